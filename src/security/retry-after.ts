/**
 * The Retry-After value of a refused request (429, or 503 while Okta limits us). The error
 * carries the seconds until a retry can succeed, and the error handler sends them, so a client
 * waits as long as the limit needs instead of a fixed guess.
 */

/** Sent when an error carries no wait of its own: Okta's rate-limit windows are one minute long. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60

/** Stores on `error` the whole seconds from `nowMs` until `retryAtMs` (at least 1), and returns it. */
export function withRetryAfter<T extends Error> (error: T, retryAtMs: number, nowMs: number): T {
  const seconds = Math.max(1, Math.ceil((retryAtMs - nowMs) / 1000))
  return Object.assign(error, { retryAfterSeconds: seconds })
}

/** Returns the Retry-After seconds stored on `error`, or DEFAULT_RETRY_AFTER_SECONDS. */
export function retryAfterSecondsOf (error: unknown): number {
  const seconds = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds > 0 ? seconds : DEFAULT_RETRY_AFTER_SECONDS
}
