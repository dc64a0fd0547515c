/**
 * Pending logins: a push that one browser started and has not finished. Each is keyed by the
 * browser's random flow id, which lives in an HttpOnly cookie on pushgate's own host, so only the
 * browser that started a push can claim it once approved.
 *
 * NOTE: pending logins live in this process's memory. With several replicas, route a browser to
 * the same replica for the minute a login takes (sticky sessions), or share this store.
 */
import type { Clock } from '../clock.ts'

export type PendingState = 'waiting' | 'approved' | 'denied' | 'timed_out' | 'cancelled' | 'failed'

export interface PendingLogin {
  browserId: string
  /** The login as configured in `users`, or as typed when it is not configured. */
  login: string
  /** True when no real push was sent (unknown login, no push factor, refused status). */
  decoy: boolean
  state: PendingState
  /** For `failed`: what went wrong, in words the login page can show. */
  failure?: 'okta_unavailable' | 'okta_rate_limited' | 'unexpected_result'
  /** For `cancelled`: by the Cancel button, or by a newer push for the same user or browser. */
  cancelledBy?: 'person' | 'newer_push'
  /** When the person may try again, for rate limits. */
  retryAtMs?: number
  correctAnswer?: number
  expiresAtMs: number
  createdAtMs: number
  /** The URL the browser goes to after approval. */
  target: string
  clientIp: string
  userAgent: string
  okta?: {
    userId: string
    email: string
    name: string
    pollUrl: string
    cancelUrl?: string
    lastPolledAtMs: number
    /** The poll in flight, shared by concurrent status requests. */
    inFlight?: Promise<void>
  }
}

/** Finished logins stay readable this long, so the page can show the outcome. */
const FINISHED_RETENTION_MS = 10 * 60_000

/** At most this many pending logins are kept; the oldest go first. */
const MAX_PENDING = 50_000

export class PendingStore {
  readonly #clock: Clock
  readonly #byBrowser = new Map<string, PendingLogin>()
  readonly #byUser = new Map<string, string>()

  constructor (clock: Clock) {
    this.#clock = clock
  }

  get (browserId: string): PendingLogin | undefined {
    const pending = this.#byBrowser.get(browserId)
    if (pending !== undefined && this.#isStale(pending)) {
      this.delete(pending)
      return undefined
    }
    return pending
  }

  /** The waiting login of `login`, whichever browser started it. */
  outstandingFor (login: string): PendingLogin | undefined {
    const browserId = this.#byUser.get(login.toLowerCase())
    const pending = browserId === undefined ? undefined : this.get(browserId)
    return pending?.state === 'waiting' ? pending : undefined
  }

  put (pending: PendingLogin): void {
    const previous = this.#byBrowser.get(pending.browserId)
    if (previous !== undefined) this.delete(previous)
    if (this.#byBrowser.size >= MAX_PENDING) this.#evictOldest()

    this.#byBrowser.set(pending.browserId, pending)
    this.#byUser.set(pending.login.toLowerCase(), pending.browserId)
  }

  delete (pending: PendingLogin): void {
    this.#byBrowser.delete(pending.browserId)
    const key = pending.login.toLowerCase()
    if (this.#byUser.get(key) === pending.browserId) this.#byUser.delete(key)
  }

  #isStale (pending: PendingLogin): boolean {
    return this.#clock.now() > pending.expiresAtMs + FINISHED_RETENTION_MS
  }

  #evictOldest (): void {
    const oldest = this.#byBrowser.values().next().value
    if (oldest !== undefined) this.delete(oldest)
  }
}
