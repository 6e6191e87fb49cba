// Renders the complete, standalone nginx.conf (main context included) of the edge from an
// NginxSiteSpec, as docs/requirements.md §4 asks: HTTPS only, TLS 1.2/1.3 AEAD, security headers
// on every location, rate limits, keep-alive upstreams, WebSocket on demand, gzip, immutable
// static assets, dot-files denied, /healthz. For nginx 1.18 and later; proven on 1.22 (Debian 12).
import { nginxAtLeast, ONE_YEAR_SECONDS, SITE_PATHS } from "../catalog/nginx";
import { HEALTH_PATHS } from "./app-containers";
import type { RateLimitZone } from "../catalog/nginx";
import type { NginxSiteSpec } from "./site-spec";

/** Answered by Nginx itself on both ports, so container and load-balancer checks need no app. */
export const HEALTHZ_PATH = "/healthz";
/** ACME http-01 challenges stay reachable over plain HTTP and are exempt from the dot-file rule. */
export const ACME_CHALLENGE_PATH = "/.well-known/acme-challenge/";

/** Connections per worker (client and upstream sides both count). */
const WORKER_CONNECTIONS = 4096;

/** Directories that must exist before Nginx starts (it creates only the leaf temp dirs). */
export function directoriesNginxNeeds(spec: NginxSiteSpec): readonly string[] {
  const parent = (file: string) => file.slice(0, file.lastIndexOf("/")) || "/";
  return [
    ...new Set([
      parent(spec.paths.pid),
      parent(spec.paths.errorLog),
      parent(spec.paths.accessLog),
      spec.paths.tempDir,
      spec.paths.acmeChallengeRoot,
    ]),
  ];
}

/** The nginx.conf text. */
export function renderNginxConf(spec: NginxSiteSpec): string {
  const lines = [
    "# Rendered by webstack (components/edge/nginx-conf.ts); do not edit by hand.",
    // Unprivileged; exists in Debian, Ubuntu and the official nginx images.
    "user www-data;",
    "worker_processes auto;",
    // Each proxied request holds two descriptors (client + upstream), plus logs and listeners.
    `worker_rlimit_nofile ${WORKER_CONNECTIONS * 2 + 1024};`,
    `pid ${spec.paths.pid};`,
    `error_log ${spec.paths.errorLog} warn;`,
    "",
    block("events", [`worker_connections ${WORKER_CONNECTIONS};`]),
    "",
    block("http", httpContext(spec)),
  ];
  return lines.join("\n") + "\n";
}

function httpContext(spec: NginxSiteSpec): string[] {
  const { paths } = spec;
  const temp = (name: string) => `${paths.tempDir}/${name}`;
  return [
    `include ${paths.mimeTypes};`,
    "default_type application/octet-stream;",
    "server_tokens off;",
    "",
    `client_body_temp_path ${temp("client_body")};`,
    `proxy_temp_path ${temp("proxy")};`,
    `fastcgi_temp_path ${temp("fastcgi")};`,
    `uwsgi_temp_path ${temp("uwsgi")};`,
    `scgi_temp_path ${temp("scgi")};`,
    "",
    "log_format edge '$remote_addr - $remote_user [$time_local] \"$request\" $status '",
    '                \'$body_bytes_sent "$http_referer" "$http_user_agent" \'',
    "                'rt=$request_time urt=$upstream_response_time ua=$upstream_addr';",
    // Buffered: one write per 64 KiB instead of one per request.
    `access_log ${paths.accessLog} edge buffer=64k flush=5s;`,
    "",
    "sendfile on;",
    "tcp_nopush on;",
    "tcp_nodelay on;",
    "keepalive_timeout 65s;",
    // Requests a client may send over one keep-alive connection.
    "keepalive_requests 10000;",
    "client_header_timeout 15s;",
    "client_body_timeout 30s;",
    "send_timeout 30s;",
    "reset_timedout_connection on;",
    // Everywhere but the uploads path.
    "client_max_body_size 1m;",
    "types_hash_max_size 2048;",
    "",
    ...realClientAddress(spec.trustedProxies),
    "gzip on;",
    "gzip_vary on;",
    // Behind the ALB requests carry proxy headers; compress for them too.
    "gzip_proxied any;",
    "gzip_comp_level 5;",
    "gzip_min_length 256;",
    // text/html is always compressed; listing it again makes Nginx warn.
    "gzip_types text/plain text/css text/xml text/javascript application/javascript application/json application/ld+json application/manifest+json application/xml application/rss+xml image/svg+xml;",
    "",
    ...Object.entries(spec.rateLimits).map(
      ([zone, limit]) =>
        `limit_req_zone $binary_remote_addr zone=${zone}:10m rate=${limit.ratePerSecond}r/s;`,
    ),
    "limit_req_status 429;",
    "limit_req_log_level warn;",
    "",
    // Connection: upgrade only when the client sent Upgrade; otherwise an empty Connection
    // header, which Nginx omits, so the upstream connection stays in the keep-alive pool.
    block("map $http_upgrade $connection_upgrade", ["default upgrade;", "'' '';"]),
    "",
    ...upstreamBlock(spec, "frontend"),
    ...upstreamBlock(spec, "backend"),
    ...tlsSettings(spec),
    "",
    block("server", httpServer(spec)),
    "",
    block("server", httpsServer(spec)),
  ];
}

function realClientAddress(trustedProxies: readonly string[]): string[] {
  if (trustedProxies.length === 0) return [];
  return [
    ...trustedProxies.map((cidr) => `set_real_ip_from ${cidr};`),
    "real_ip_header X-Forwarded-For;",
    "real_ip_recursive on;",
    "",
  ];
}

function upstreamBlock(spec: NginxSiteSpec, name: "frontend" | "backend"): string[] {
  const port = name === "frontend" ? spec.frontendPort : spec.backendPort;
  return [
    block(`upstream ${name}`, [
      `server ${spec.upstreamHosts[name]}:${port};`,
      // Idle connections each worker keeps open, so a request does not pay a TCP connect.
      "keepalive 64;",
      "keepalive_requests 10000;",
      "keepalive_timeout 60s;",
    ]),
    "",
  ];
}

function tlsSettings(spec: NginxSiteSpec): string[] {
  return [
    `ssl_protocols ${spec.tlsProtocols.join(" ")};`,
    // TLS 1.2: forward secrecy and AEAD (GCM, ChaCha20-Poly1305) only, ECDSA first. TLS 1.3
    // suites are all AEAD and are not set by ssl_ciphers.
    "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;",
    "ssl_prefer_server_ciphers on;",
    "ssl_ecdh_curve X25519:prime256v1:secp384r1;",
    // About 40000 sessions, resumable for a day.
    "ssl_session_cache shared:TLS:10m;",
    "ssl_session_timeout 86400s;",
    // Nginx never rotates the ticket key, which defeats forward secrecy; the cache resumes instead.
    "ssl_session_tickets off;",
  ];
}

/** `add_header` in a location drops every inherited one, so each location repeats them all. */
function securityHeaders(spec: NginxSiteSpec): string[] {
  return [
    `add_header Strict-Transport-Security "max-age=${spec.hstsMaxAgeSeconds}; includeSubDomains" always;`,
    "add_header X-Frame-Options DENY always;",
    "add_header X-Content-Type-Options nosniff always;",
    // No path or query leaks to other sites.
    "add_header Referrer-Policy strict-origin-when-cross-origin always;",
  ];
}

function listenAddress(spec: NginxSiteSpec, port: number): string {
  return spec.listen.address === undefined ? `${port}` : `${spec.listen.address}:${port}`;
}

/** Served on both ports without an app: /healthz, and ACME challenges from the webroot. */
function answeredByNginx(spec: NginxSiteSpec): string[] {
  return [
    block(`location = ${HEALTHZ_PATH}`, [
      "access_log off;",
      "default_type text/plain;",
      ...securityHeaders(spec),
      'return 200 "ok\\n";',
    ]),
    block(`location ^~ ${ACME_CHALLENGE_PATH}`, [
      `root ${spec.paths.acmeChallengeRoot};`,
      "default_type text/plain;",
      ...securityHeaders(spec),
    ]),
  ];
}

function httpServer(spec: NginxSiteSpec): string[] {
  const port = spec.listen.https === 443 ? "" : `:${spec.listen.https}`;
  return [
    `listen ${listenAddress(spec, spec.listen.http)} default_server;`,
    `server_name ${spec.domains.join(" ")};`,
    ...securityHeaders(spec),
    "",
    ...answeredByNginx(spec),
    block(`location ${SITE_PATHS.frontend}`, [
      ...securityHeaders(spec),
      `return 301 https://$host${port}$request_uri;`,
    ]),
  ];
}

function httpsServer(spec: NginxSiteSpec): string[] {
  // Before 1.25.1 `http2` is a listen parameter; from 1.25.1 on that form is deprecated (a
  // warning at every start) in favour of the `http2 on;` directive.
  const http2Directive = nginxAtLeast(spec.nginxVersion, "1.25.1");
  const listen = listenAddress(spec, spec.listen.https);
  return [
    http2Directive
      ? `listen ${listen} ssl default_server;`
      : `listen ${listen} ssl http2 default_server;`,
    ...(http2Directive ? ["http2 on;"] : []),
    `server_name ${spec.domains.join(" ")};`,
    `ssl_certificate ${spec.paths.certificate};`,
    `ssl_certificate_key ${spec.paths.key};`,
    // Server-level copies cover answers given before any location matched (400, 414, 497).
    ...securityHeaders(spec),
    "",
    ...answeredByNginx(spec),
    // Regex locations win over plain prefixes, so /.env, /.git/config and /static/.x all land
    // here; 404 rather than 403 does not confirm that the file exists.
    block("location ~ /\\.", ["access_log off;", ...securityHeaders(spec), "return 404;"]),
    block(`location ${SITE_PATHS.frontend}`, proxied(spec, "frontend")),
    // The backend's readiness, without rate limit: the load balancer's health check.
    block(`location = ${HEALTH_PATHS.backend}`, ["access_log off;", ...proxied(spec, "backend")]),
    // Content-hashed assets.
    block(`location ${SITE_PATHS.static}`, [
      ...proxied(spec, "frontend"),
      // The app's own Cache-Control would otherwise be sent twice.
      "proxy_hide_header Cache-Control;",
      `add_header Cache-Control "public, max-age=${ONE_YEAR_SECONDS}, immutable" always;`,
    ]),
    rateLimited(spec, "api", SITE_PATHS.api),
    rateLimited(spec, "login", SITE_PATHS.login),
    rateLimited(spec, "uploads", spec.uploadsPath, [
      `client_max_body_size ${spec.uploadMaxBodyMb}m;`,
      // Stream large uploads to the app instead of spooling them to disk first.
      "proxy_request_buffering off;",
    ]),
  ];
}

function rateLimited(
  spec: NginxSiteSpec,
  zone: RateLimitZone,
  path: string,
  extra: readonly string[] = [],
): string {
  return block(`location ${path}`, [
    `limit_req zone=${zone} burst=${spec.rateLimits[zone].burst} nodelay;`,
    ...extra,
    ...proxied(spec, "backend"),
  ]);
}

/** The directives every proxied location carries; none of them inherit once a location sets one. */
function proxied(spec: NginxSiteSpec, upstream: "frontend" | "backend"): string[] {
  return [
    `proxy_pass http://${upstream};`,
    "proxy_http_version 1.1;",
    "proxy_set_header Host $host;",
    "proxy_set_header X-Real-IP $remote_addr;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
    "proxy_set_header Upgrade $http_upgrade;",
    "proxy_set_header Connection $connection_upgrade;",
    "proxy_connect_timeout 5s;",
    "proxy_read_timeout 60s;",
    "proxy_send_timeout 60s;",
    // The app's copies of our headers would be duplicated, and X-Powered-By names the stack.
    "proxy_hide_header X-Powered-By;",
    "proxy_hide_header Strict-Transport-Security;",
    "proxy_hide_header X-Frame-Options;",
    "proxy_hide_header X-Content-Type-Options;",
    "proxy_hide_header Referrer-Policy;",
    ...securityHeaders(spec),
  ];
}

/** `name { ... }` with its body indented; blank lines stay blank. */
function block(name: string, body: readonly string[]): string {
  const inner = body
    .join("\n")
    .split("\n")
    .map((line) => (line === "" ? "" : `    ${line}`));
  return [`${name} {`, ...inner, "}"].join("\n");
}
