/**
 * Okta's rate limits: per-minute buckets for the API, and the limit on factor activation attempts.
 * Windows follow the injected clock so tests can move past a reset.
 */
import type { SimFactor } from './model.ts'

const MINUTE_MS = 60_000

/** 5 activation attempts per factor in any 5 minutes, as Okta documents for factor activation. */
export const ACTIVATION_ATTEMPTS_MAX = 5
export const ACTIVATION_WINDOW_MS = 5 * MINUTE_MS

/**
 * The values of the `X-Rate-Limit-*` headers for one request. `resetSeconds` is UTC epoch seconds.
 */
export interface RateLimitStatus {
  limit: number
  remaining: number
  resetSeconds: number
  exceeded: boolean
}

/**
 * Two buckets, as Okta counts "get a user by id or login" apart from "most other API actions".
 * Each allows `limitPerMinute` requests in a fixed window that starts on the minute.
 */
export type BucketName = 'users' | 'other'

export interface RateLimiter {
  /** Counts one request against `bucket` unless the bucket is empty. */
  take: (bucket: BucketName, now: number) => RateLimitStatus
  /** Reports the bucket without counting a request. */
  peek: (bucket: BucketName, now: number) => RateLimitStatus
  reset: () => void
}

export function createRateLimiter (limitPerMinute: number): RateLimiter {
  let windows = new Map<BucketName, { startMs: number, used: number }>()

  function windowAt (bucket: BucketName, now: number): { startMs: number, used: number } {
    const startMs = Math.floor(now / MINUTE_MS) * MINUTE_MS
    let window = windows.get(bucket)
    if (window === undefined || window.startMs !== startMs) {
      window = { startMs, used: 0 }
      windows.set(bucket, window)
    }
    return window
  }

  function status (window: { startMs: number, used: number }, exceeded: boolean): RateLimitStatus {
    const remaining = Math.max(0, limitPerMinute - window.used)
    return { limit: limitPerMinute, remaining, resetSeconds: (window.startMs + MINUTE_MS) / 1000, exceeded }
  }

  return {
    take (bucket, now) {
      const window = windowAt(bucket, now)
      if (window.used >= limitPerMinute) return status(window, true)
      window.used++
      return status(window, false)
    },
    peek: (bucket, now) => status(windowAt(bucket, now), false),
    reset: () => { windows = new Map() }
  }
}

/** Records an activation attempt on `factor`, or reports the limit as exceeded without recording it. */
export function takeActivationAttempt (factor: SimFactor, now: number): RateLimitStatus {
  const recent = factor.activationAttempts.filter((time) => time > now - ACTIVATION_WINDOW_MS)
  factor.activationAttempts = recent

  const exceeded = recent.length >= ACTIVATION_ATTEMPTS_MAX
  if (!exceeded) recent.push(now)
  const oldest = recent[0] ?? now
  return {
    limit: ACTIVATION_ATTEMPTS_MAX,
    remaining: ACTIVATION_ATTEMPTS_MAX - recent.length,
    resetSeconds: Math.ceil((oldest + ACTIVATION_WINDOW_MS) / 1000),
    exceeded
  }
}
