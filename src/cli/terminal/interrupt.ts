/**
 * Ctrl+C (SIGINT) and SIGTERM while a command waits for a person: the signal aborts the wait, the
 * command cleans up (cancels its push), and the process exits with 128 + the signal number.
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** Exit code of a process stopped by a signal, as shells report it: 128 + the signal number. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const

export type StopSignal = keyof typeof SIGNAL_EXIT_CODES

/** The reason an interrupted wait throws. */
export class InterruptedError extends Error {
  readonly signalName: StopSignal
  /** The exit code the process ends with. */
  readonly exitCode: number

  constructor (signalName: StopSignal) {
    super(`Stopped by ${signalName}`)
    this.name = 'InterruptedError'
    this.signalName = signalName
    this.exitCode = SIGNAL_EXIT_CODES[signalName]
  }
}

export interface InterruptListener {
  /** Aborted with an InterruptedError when the signal arrives. */
  signal: AbortSignal
  /** Aborts as if `signalName` had arrived; a prompt calls it for the Ctrl+C that readline catches. */
  trigger: (signalName: StopSignal) => void
  /** Removes the signal handlers, so a later Ctrl+C ends the process as usual. */
  dispose: () => void
}

/** Listens for SIGINT and SIGTERM until dispose() is called. */
export function listenForInterrupt (): InterruptListener {
  const controller = new AbortController()
  const trigger = (signalName: StopSignal): void => {
    if (!controller.signal.aborted) controller.abort(new InterruptedError(signalName))
  }
  const onSigint = (): void => { trigger('SIGINT') }
  const onSigterm = (): void => { trigger('SIGTERM') }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigterm)

  return {
    signal: controller.signal,
    trigger,
    dispose () {
      process.off('SIGINT', onSigint)
      process.off('SIGTERM', onSigterm)
    }
  }
}

/** Waits `ms` milliseconds; throws the signal's InterruptedError as soon as `signal` aborts. */
export async function pause (ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  try {
    await sleep(ms, undefined, { signal })
  } catch (error) {
    if (signal.aborted) throw signal.reason
    throw error
  }
}
