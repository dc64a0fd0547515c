/**
 * A running estimate of how long sending a real push takes, so that a decoy answer (no push sent)
 * arrives after a similar delay and response times do not reveal which logins exist.
 */

/** Weight of each new observation in the moving average. */
const SMOOTHING = 0.2

/** Estimates are capped so a slow Okta does not make decoys hold requests open for long. */
const MAX_ESTIMATE_MS = 3_000

export class LatencyEstimate {
  #averageMs: number | undefined

  /** Adds one observed duration, in milliseconds. */
  observe (ms: number): void {
    const bounded = Math.min(Math.max(ms, 0), MAX_ESTIMATE_MS)
    this.#averageMs = this.#averageMs === undefined ? bounded : this.#averageMs + SMOOTHING * (bounded - this.#averageMs)
  }

  /** The delay to use now: the average with ±20 % jitter, or 0 before any observation. */
  estimateMs (): number {
    if (this.#averageMs === undefined) return 0
    return Math.round(this.#averageMs * (0.8 + Math.random() * 0.4))
  }
}
