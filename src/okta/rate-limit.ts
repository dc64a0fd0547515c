/**
 * Reading Okta's 429 responses. `X-Rate-Limit-Reset` is the UTC epoch second at which the window
 * resets. It is compared with the response's `Date` header rather than our clock, so a skewed
 * local clock does not change the wait. This follows the Okta Node SDK (default-request-executor.js),
 * which also refuses to trust a duplicated reset header.
 */
import type { IncomingHttpHeaders } from 'node:http'

/** Okta's rate-limit windows are one minute long, so a minute is always enough to wait. */
export const UNKNOWN_RESET_WAIT_MS = 60_000

/** Added to every wait because `Date` and the reset header both have a resolution of one second. */
const RESET_MARGIN_MS = 1_000

export interface RateLimitWait {
  /** How long to wait before retrying; undefined when the reset header is missing or untrusted. */
  waitMs: number | undefined
  /** When a retry may succeed, in milliseconds since the epoch on the caller's clock. */
  retryAt: number
}

/** Works out how long to wait after a 429 with `headers`, given the local time `nowMs`. */
export function rateLimitWait (headers: IncomingHttpHeaders, nowMs: number): RateLimitWait {
  const resetSeconds = readResetSeconds(headers['x-rate-limit-reset'])
  if (resetSeconds === undefined) return { waitMs: undefined, retryAt: nowMs + UNKNOWN_RESET_WAIT_MS }

  const serverDate = headers.date
  const serverNowMs = typeof serverDate === 'string' ? Date.parse(serverDate) : Number.NaN
  const referenceMs = Number.isFinite(serverNowMs) ? serverNowMs : nowMs

  const waitMs = Math.max(0, resetSeconds * 1000 - referenceMs) + RESET_MARGIN_MS
  return { waitMs, retryAt: nowMs + waitMs }
}

/**
 * Reads the reset header. A duplicated header arrives as an array and is not trusted, because two
 * windows cannot both be right.
 */
function readResetSeconds (value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,12}$/.test(value.trim())) return undefined
  return Number(value.trim())
}
