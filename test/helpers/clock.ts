/** A clock that follows real time plus an offset that tests move forward; shared by pushgate and the simulator. */
import type { Clock } from '../../src/clock.ts'

export interface AdjustableClock extends Clock {
  advance: (ms: number) => void
}

export function adjustableClock (): AdjustableClock {
  let offsetMs = 0
  return {
    now: () => Date.now() + offsetMs,
    advance: (ms) => { offsetMs += ms }
  }
}
