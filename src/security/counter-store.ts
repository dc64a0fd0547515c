/**
 * Counters for rate limits and cool-downs, behind a small interface so that several replicas can
 * share them through Redis or Valkey instead of the in-memory store below. Redis's INCR with
 * PEXPIRE, and SET with PX, map one to one onto these methods.
 */
import type { Clock } from '../clock.ts'

export interface WindowCount {
  /** Events counted in the current window, including this one. */
  count: number
  /** When the current window ends, in milliseconds since the epoch. */
  resetAtMs: number
}

export interface CounterStore {
  /** Counts one event for `key` in a fixed window of `windowMs` that starts at the key's first event. */
  increment: (key: string, windowMs: number) => Promise<WindowCount>
  /** Blocks `key` until `untilMs`. */
  block: (key: string, untilMs: number) => Promise<void>
  /** Returns when the block on `key` ends, or undefined when it is not blocked. */
  blockedUntil: (key: string) => Promise<number | undefined>
}

/**
 * Keys kept at most. A full store refuses new counters instead of dropping live ones, so a flood of
 * new IPs can neither exhaust memory nor evict a user's counter or cool-down to reset its limit.
 */
export const MEMORY_STORE_MAX_KEYS = 100_000

/** A full store looks for expired entries at most this often, so a flood costs no full scan per request. */
const SWEEP_INTERVAL_MS = 1_000

interface Entry {
  count: number
  expiresAtMs: number
}

/**
 * A CounterStore for a single instance. When it has `maxKeys` live counters, a new key counts as
 * over every limit until entries expire: during such a flood new clients cannot start a push, but
 * no limit already counting is lost. Blocks are always stored, because only a denied real push
 * creates one.
 */
export class MemoryCounterStore implements CounterStore {
  readonly #clock: Clock
  readonly #maxKeys: number
  readonly #entries = new Map<string, Entry>()
  #lastSweepMs = -Infinity

  constructor (clock: Clock, maxKeys = MEMORY_STORE_MAX_KEYS) {
    this.#clock = clock
    this.#maxKeys = maxKeys
  }

  /** Keys held, live or not yet swept. */
  get size (): number {
    return this.#entries.size
  }

  async increment (key: string, windowMs: number): Promise<WindowCount> {
    const now = this.#clock.now()
    const entry = this.#live(`count:${key}`, now)
    if (entry !== undefined) {
      entry.count += 1
      return { count: entry.count, resetAtMs: entry.expiresAtMs }
    }
    if (!this.#hasRoom(now)) return { count: Number.MAX_SAFE_INTEGER, resetAtMs: now + windowMs }

    const fresh = { count: 1, expiresAtMs: now + windowMs }
    this.#entries.set(`count:${key}`, fresh)
    return { count: 1, resetAtMs: fresh.expiresAtMs }
  }

  async block (key: string, untilMs: number): Promise<void> {
    const now = this.#clock.now()
    if (untilMs <= now) return
    this.#entries.delete(`block:${key}`)
    this.#entries.set(`block:${key}`, { count: 1, expiresAtMs: untilMs })
  }

  async blockedUntil (key: string): Promise<number | undefined> {
    return this.#live(`block:${key}`, this.#clock.now())?.expiresAtMs
  }

  #live (key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAtMs > now) return entry
    this.#entries.delete(key)
    return undefined
  }

  /** True when a new key fits, after dropping expired entries if a sweep is due. */
  #hasRoom (now: number): boolean {
    if (this.#entries.size < this.#maxKeys) return true
    if (now - this.#lastSweepMs < SWEEP_INTERVAL_MS) return false
    this.#lastSweepMs = now
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAtMs <= now) this.#entries.delete(key)
    }
    return this.#entries.size < this.#maxKeys
  }
}
