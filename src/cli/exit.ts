/**
 * Exit codes and the error type commands throw to end with one. main.ts prints the message (never
 * a stack trace) and exits with the code.
 */

export const EXIT_OK = 0
/** Invalid configuration for check-config; a denied or timed-out push for test-push. */
export const EXIT_FAILURE = 1
/** Usage or configuration error. */
export const EXIT_USAGE = 2

export class CliError extends Error {
  readonly exitCode: number

  constructor (message: string, exitCode: number = EXIT_USAGE) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}
