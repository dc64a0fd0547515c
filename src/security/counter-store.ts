/**
 * Counters for rate limits and cool-downs, behind a small interface so that several replicas can
 * share them through Redis or Valkey instead of the in-memory store below (INCR with PEXPIRE, and
 * SET with PX, map one to one onto these methods).
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

/** Keys kept at most; beyond this the oldest go first, so a flood of new IPs cannot exhaust memory. */
export const MEMORY_STORE_MAX_KEYS = 100_000

interface Entry {
  count: number
  expiresAtMs: number
}

/** A CounterStore for a single instance. */
export class MemoryCounterStore implements CounterStore {
  readonly #clock: Clock
  readonly #maxKeys: number
  readonly #entries = new Map<string, Entry>()

  constructor (clock: Clock, maxKeys = MEMORY_STORE_MAX_KEYS) {
    this.#clock = clock
    this.#maxKeys = maxKeys
  }

  async increment (key: string, windowMs: number): Promise<WindowCount> {
    const now = this.#clock.now()
    const entry = this.#live(`count:${key}`, now)
    if (entry !== undefined) {
      entry.count += 1
      return { count: entry.count, resetAtMs: entry.expiresAtMs }
    }
    const fresh = { count: 1, expiresAtMs: now + windowMs }
    this.#set(`count:${key}`, fresh, now)
    return { count: 1, resetAtMs: fresh.expiresAtMs }
  }

  async block (key: string, untilMs: number): Promise<void> {
    const now = this.#clock.now()
    if (untilMs > now) this.#set(`block:${key}`, { count: 1, expiresAtMs: untilMs }, now)
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

  #set (key: string, entry: Entry, now: number): void {
    this.#entries.delete(key)
    if (this.#entries.size >= this.#maxKeys) this.#evict(now)
    this.#entries.set(key, entry)
  }

  /** Drops expired entries; when none have expired, drops the oldest tenth. */
  #evict (now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAtMs <= now) this.#entries.delete(key)
    }
    if (this.#entries.size < this.#maxKeys) return
    let toDrop = Math.ceil(this.#maxKeys / 10)
    for (const key of this.#entries.keys()) {
      if (toDrop-- <= 0) break
      this.#entries.delete(key)
    }
  }
}
