/**
 * Limits how often one kind of log line is written, so a flood of bad requests cannot flood the
 * log. The first line of a kind is written at once. Repeats within the interval are counted, and
 * the count is added to the next line that is written.
 */
import type { Clock } from '../clock.ts'

export interface LogThrottle {
  /**
   * Returns how many lines of `kind` were held back since the last one written, or undefined when
   * this one must be held back too.
   */
  admit: (kind: string) => number | undefined
}

/** Kinds remembered at most; beyond this the oldest are forgotten. */
const MAX_KINDS = 1000

/** Builds a throttle that writes at most one line per kind every `intervalMs`. */
export function createLogThrottle (intervalMs: number, clock: Clock): LogThrottle {
  const kinds = new Map<string, { lastMs: number, suppressed: number }>()
  return {
    admit (kind) {
      const now = clock.now()
      const entry = kinds.get(kind)
      if (entry !== undefined && now - entry.lastMs < intervalMs) {
        entry.suppressed += 1
        return undefined
      }
      if (entry === undefined && kinds.size >= MAX_KINDS) kinds.delete(kinds.keys().next().value ?? '')
      kinds.set(kind, { lastMs: now, suppressed: 0 })
      return entry?.suppressed ?? 0
    }
  }
}
