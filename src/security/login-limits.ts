/**
 * The limits that make push bombing (MFA fatigue: pushes until the person taps Approve) slow and
 * visible: per client IP on starting pushes and on polling, per user on pushes sent, and a
 * cool-down after a denial, when a person has just reported "that was not me".
 */
import type { Config } from '../config/schema.ts'
import { clientKey } from './client-key.ts'
import type { CounterStore } from './counter-store.ts'

export type LimitVerdict =
  | { allowed: true }
  | { allowed: false, reason: 'ip_limit' | 'user_limit' | 'denial_cooldown' | 'poll_limit', retryAtMs: number }

export class LoginLimits {
  readonly #store: CounterStore
  readonly #limits: Config['limits']

  constructor (store: CounterStore, limits: Config['limits']) {
    this.#store = store
    this.#limits = limits
  }

  /**
   * Counts an attempt to start a push from `clientIp` (an IPv6 client by its /64) for `login`.
   * The login is counted the same way whether or not it exists, so the limits reveal nothing
   * about which logins are real.
   */
  async checkPushStart (clientIp: string, login: string): Promise<LimitVerdict> {
    const { pushStartsPerIp, pushesPerUser } = this.#limits
    const ip = await this.#store.increment(`push-start:ip:${clientKey(clientIp)}`, pushStartsPerIp.windowMs)
    if (ip.count > pushStartsPerIp.max) return { allowed: false, reason: 'ip_limit', retryAtMs: ip.resetAtMs }

    const cooldownUntil = await this.#store.blockedUntil(`denied:user:${login}`)
    if (cooldownUntil !== undefined) return { allowed: false, reason: 'denial_cooldown', retryAtMs: cooldownUntil }

    const user = await this.#store.increment(`push:user:${login}`, pushesPerUser.windowMs)
    if (user.count > pushesPerUser.max) return { allowed: false, reason: 'user_limit', retryAtMs: user.resetAtMs }
    return { allowed: true }
  }

  /** Counts one status poll from `clientIp` (an IPv6 client by its /64). */
  async checkStatusPoll (clientIp: string): Promise<LimitVerdict> {
    const { statusPollsPerIp } = this.#limits
    const polls = await this.#store.increment(`poll:ip:${clientKey(clientIp)}`, statusPollsPerIp.windowMs)
    if (polls.count > statusPollsPerIp.max) return { allowed: false, reason: 'poll_limit', retryAtMs: polls.resetAtMs }
    return { allowed: true }
  }

  /** Starts the cool-down after `login` denied a push. */
  async recordDenial (login: string, nowMs: number): Promise<void> {
    await this.#store.block(`denied:user:${login}`, nowMs + this.#limits.denialCooldownMs)
  }
}
