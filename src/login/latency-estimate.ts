/**
 * A running estimate of how long sending a real push takes. Every push start, real or decoy,
 * responds after the same target, so response times do not reveal which logins exist.
 */

/** Weight of each new observation in the moving average. */
const SMOOTHING = 0.2

/** Targets are capped so a slow Okta does not make every push start wait long. */
const MAX_TARGET_MS = 3_000

/** The target sits this far above the average, so most real pushes finish before it. */
const HEADROOM = 1.25

export class LatencyEstimate {
  #averageMs: number | undefined

  /** Adds one observed duration, in milliseconds. */
  observe (ms: number): void {
    const bounded = Math.min(Math.max(ms, 0), MAX_TARGET_MS)
    this.#averageMs = this.#averageMs === undefined ? bounded : this.#averageMs + SMOOTHING * (bounded - this.#averageMs)
  }

  /** The response time every push start should reach: the average with headroom, or 0 before any observation. */
  targetMs (): number {
    if (this.#averageMs === undefined) return 0
    return Math.min(Math.round(this.#averageMs * HEADROOM), MAX_TARGET_MS)
  }
}
