// Nginx facts the stack config, the edge part and the policy pack share (docs/requirements.md §4):
// which Nginx versions the edge renders for, the TLS protocols it may allow, the paths the site
// routes itself, and the rate limits — each stated once, so config and pack cannot disagree.

/** The oldest Nginx the renderer writes for. */
export const MINIMUM_NGINX_VERSION = "1.18";

/** Nginx as packaged by each Ubuntu release the app hosts may run (the `nginx` package). */
export const UBUNTU_NGINX_VERSIONS = {
  "ubuntu-22.04": "1.18.0",
  "ubuntu-24.04": "1.24.0",
} as const;

/** True when `version` ("1.25.1") is at least `minimum` (same form). */
export function nginxAtLeast(version: string, minimum: string): boolean {
  const have = version.split(".").map(Number);
  const want = minimum.split(".").map(Number);
  for (let i = 0; i < want.length; i++) {
    const difference = (have[i] ?? 0) - want[i];
    if (difference !== 0) return difference > 0;
  }
  return true;
}

/**
 * The Nginx version an image runs, read from its tag ("nginx:1.27.4", "nginx:1.27.4-alpine",
 * "registry/nginx:1.27.4@sha256:..."); undefined when the tag names no version.
 */
export function nginxVersionOfImage(image: string): string | undefined {
  const withoutDigest = image.split("@")[0];
  const lastSegment = withoutDigest.split("/").pop() ?? "";
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  const match = /^(\d+\.\d+(?:\.\d+)?)(?:$|[-_])/.exec(tag);
  return match?.[1];
}

/** True when the image's tag names an Nginx version the renderer supports. */
export function isSupportedNginxImage(image: string): boolean {
  const version = nginxVersionOfImage(image);
  return version !== undefined && nginxAtLeast(version, MINIMUM_NGINX_VERSION);
}

/** TLS protocols as Nginx's `ssl_protocols` spells them: nothing below TLS 1.2. */
export const ALLOWED_TLS_PROTOCOLS = ["TLSv1.2", "TLSv1.3"] as const;

/** One year: the least HSTS max-age, and how long browsers cache the hashed `/static/` assets. */
export const ONE_YEAR_SECONDS = 31_536_000;

/** Prefix locations the site routes itself: the frontend, the API, its login, hashed assets. */
export const SITE_PATHS = {
  frontend: "/",
  api: "/api/",
  login: "/api/auth/login",
  static: "/static/",
} as const;

/** Requests per second and burst per client address in each zone, unless the stack lowers them. */
export const DEFAULT_RATE_LIMITS = {
  api: { ratePerSecond: 10, burst: 20 },
  login: { ratePerSecond: 1, burst: 5 },
  uploads: { ratePerSecond: 1, burst: 5 },
} as const;

export type RateLimitZone = keyof typeof DEFAULT_RATE_LIMITS;

/**
 * The highest rate per second each zone may allow: the stack config refuses more, and the policy
 * pack refuses a shipped nginx.conf that allows more (its config may only lower these).
 */
export const MAX_RATE_PER_SECOND = { api: 10, login: 1, uploads: 1 } as const;

/** The most requests above the rate any zone may queue before answering 429. */
export const MAX_BURST = 100_000;
