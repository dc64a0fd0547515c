/**
 * A progress line on stderr. On a terminal it is rewritten in place. Elsewhere (a log, a pipe) it is
 * printed as a plain line at the first update, then at most once per PLAIN_LINE_INTERVAL_MS.
 */
import type { Clock } from '../../clock.ts'

/** Minimum time between two plain progress lines when stderr is not a terminal, in milliseconds. */
const PLAIN_LINE_INTERVAL_MS = 30_000

/** ANSI: carriage return, then erase the whole line. */
const REWRITE_LINE = '\r\x1b[2K'

export class ProgressLine {
  readonly #stream: NodeJS.WriteStream
  readonly #clock: Clock
  readonly #inPlace: boolean
  #shown = false
  #lastPlainAt = -Infinity

  constructor (stream: NodeJS.WriteStream, clock: Clock) {
    this.#stream = stream
    this.#clock = clock
    this.#inPlace = stream.isTTY === true
  }

  /** Shows `text` as the current progress. */
  update (text: string): void {
    if (this.#inPlace) {
      this.#stream.write(`${REWRITE_LINE}${text}`)
      this.#shown = true
      return
    }
    const now = this.#clock.now()
    if (now - this.#lastPlainAt < PLAIN_LINE_INTERVAL_MS) return
    this.#lastPlainAt = now
    this.#stream.write(`${text}\n`)
  }

  /** Shows `text` like update(), but off a terminal it is printed even within the interval: a change of state. */
  notice (text: string): void {
    this.#lastPlainAt = -Infinity
    this.update(text)
  }

  /** Ends the line in place, so the next output starts on a fresh line. */
  finish (): void {
    if (this.#inPlace && this.#shown) this.#stream.write('\n')
    this.#shown = false
    this.#lastPlainAt = -Infinity
  }
}

/** Formats a remaining time as `m:ss`, never below 0:00. */
export function formatRemaining (ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}
