/**
 * Timing of the polls that wait for a person (a QR code scan, a response to a push): how long to wait
 * between polls, and riding out Okta's rate limit instead of failing the whole wait.
 */
import type { Clock } from '../../clock.ts'
import { OktaRateLimitError } from '../../okta/errors.ts'
import { pause } from '../terminal/interrupt.ts'
import type { ProgressLine } from '../terminal/progress.ts'
import { formatSeconds } from './okta-errors.ts'

/**
 * Default time between polls, in milliseconds. Okta's polls share the token's rate-limit bucket
 * with every other call, and clients that poll faster than every few seconds get 429 responses.
 */
export const DEFAULT_POLL_INTERVAL_MS = 3_000

/** How long after `expiresAt` the next poll goes out, so that Okta reports the expiry, in milliseconds. */
const AFTER_EXPIRY_MS = 500

/**
 * Maximum rate-limit wait ridden out during a poll loop, in milliseconds. Okta's windows are one
 * minute long, so a longer wait means something else is using up the token's limit.
 */
const MAX_RATE_LIMIT_PAUSE_MS = 61_000

export interface PollTiming {
  intervalMs: number
  clock: Clock
  signal: AbortSignal
}

/** Returns the wait before the next poll: the interval, cut short to land just after `expiresAt`. */
export function nextPollDelayMs (timing: PollTiming, expiresAt: number | undefined): number {
  if (expiresAt === undefined) return timing.intervalMs
  const untilExpiryMs = expiresAt - timing.clock.now() + AFTER_EXPIRY_MS
  return untilExpiryMs > 0 ? Math.min(timing.intervalMs, untilExpiryMs) : timing.intervalMs
}

/**
 * Runs `poll`. When Okta returns 429 with a reset less than a minute away, it shows the wait on
 * `progress`, waits, and polls again. Longer waits throw the OktaRateLimitError.
 */
export async function pollWithinRateLimit<T> (poll: () => Promise<T>, timing: PollTiming, progress: ProgressLine): Promise<T> {
  for (;;) {
    try {
      return await poll()
    } catch (error) {
      if (!(error instanceof OktaRateLimitError)) throw error
      const waitMs = error.retryAt - timing.clock.now()
      if (waitMs > MAX_RATE_LIMIT_PAUSE_MS) throw error
      progress.notice(`Okta's rate limit was reached; polling again in ${formatSeconds(waitMs)}`)
      await pause(Math.max(0, waitMs), timing.signal)
    }
  }
}
