// Bounded retries with exponential backoff: a fresh deploy needs a minute to pass its health
// checks, but a broken one must fail the job in bounded time.

export interface RetryPolicy {
  /** Total attempts, at least 1. */
  readonly attempts: number;
  /** Wait before the second attempt. */
  readonly delayMs: number;
  /** Cap for any single wait. */
  readonly maxDelayMs: number;
}

/** The waits between attempts: delay, 2×delay, 4×delay, … each capped at maxDelayMs. */
export function backoffDelays(policy: RetryPolicy): number[] {
  const delays: number[] = [];
  for (let i = 0; i < policy.attempts - 1; i++) {
    delays.push(Math.min(policy.delayMs * 2 ** i, policy.maxDelayMs));
  }
  return delays;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until `succeeded` says so or the attempts run out; returns the last result.
 * `onRetry` hears about each failed attempt that will be retried, with the coming wait.
 */
export async function retryUntil<T>(
  attempt: (n: number) => Promise<T>,
  succeeded: (result: T) => boolean,
  policy: RetryPolicy,
  onRetry: (result: T, n: number, waitMs: number) => void = () => {},
  wait: (ms: number) => Promise<void> = sleep,
): Promise<{ result: T; attempts: number }> {
  const delays = backoffDelays(policy);
  for (let n = 1; ; n++) {
    const result = await attempt(n);
    if (succeeded(result) || n >= policy.attempts) return { result, attempts: n };
    const waitMs = delays[n - 1];
    onRetry(result, n, waitMs);
    await wait(waitMs);
  }
}
