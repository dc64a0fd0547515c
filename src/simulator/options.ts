/**
 * Options of the Okta simulator and their defaults, documented in one place.
 */
import type { Clock } from '../clock.ts'
import type { SimulatedUserInput } from './model.ts'

/**
 * How long a push waits for the user to respond before it times out, in milliseconds. Okta does not document
 * the lifetime of a Factors API push (clients must read `expiresAt`); 5 minutes matches the default
 * `tokenLifetimeSeconds` of the verify operation.
 */
export const DEFAULT_PUSH_LIFETIME_MS = 300_000

/** How long an enrollment's QR code and activation link stay valid: 10 minutes, as in Okta's example. */
export const DEFAULT_ACTIVATION_LIFETIME_MS = 600_000

/**
 * Requests per minute in each rate-limit bucket. Okta's factor endpoints fall under "most other API
 * actions", which allows 600 a minute on the Enterprise plan.
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600

export interface SimulatorOptions {
  /** The API token that `Authorization: SSWS <token>` must carry. */
  apiToken: string
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string
  /** Port to listen on; 0 picks a free port. Default 0. */
  port?: number
  /** Source of the current time for expiry and rate-limit windows. Default the system clock. */
  clock?: Clock
  /** Push lifetime in milliseconds. Default 300_000 (5 minutes). */
  pushLifetimeMs?: number
  /** Lifetime of a factor activation (QR code, emailed link) in milliseconds. Default 600_000 (10 minutes). */
  activationLifetimeMs?: number
  /** Requests per minute in each rate-limit bucket before 429 E0000047. Default 600. */
  rateLimitPerMinute?: number
  /** Users present at start and after `POST /_sim/reset`. */
  users?: SimulatedUserInput[]
  /** Log requests with pino (the Authorization header is redacted). Default false. */
  logger?: boolean
}

/** The options with every default filled in. */
export interface SimulatorSettings {
  apiToken: string
  pushLifetimeMs: number
  activationLifetimeMs: number
  rateLimitPerMinute: number
  users: readonly SimulatedUserInput[]
}

/** Fills in defaults and rejects values that cannot work, naming the option and the fix. */
export function resolveSettings (options: SimulatorOptions): SimulatorSettings {
  if (typeof options.apiToken !== 'string' || options.apiToken.length === 0) {
    throw new TypeError('Simulator option apiToken is missing; pass the token that clients send as "Authorization: SSWS <token>"')
  }
  const settings: SimulatorSettings = {
    apiToken: options.apiToken,
    pushLifetimeMs: options.pushLifetimeMs ?? DEFAULT_PUSH_LIFETIME_MS,
    activationLifetimeMs: options.activationLifetimeMs ?? DEFAULT_ACTIVATION_LIFETIME_MS,
    rateLimitPerMinute: options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
    users: options.users ?? []
  }
  for (const key of ['pushLifetimeMs', 'activationLifetimeMs', 'rateLimitPerMinute'] as const) {
    const value = settings[key]
    if (!Number.isInteger(value) || value <= 0) {
      throw new TypeError(`Simulator option ${key} is ${value}; it must be a positive integer`)
    }
  }
  return settings
}
