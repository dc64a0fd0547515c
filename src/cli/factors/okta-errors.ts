/**
 * Turns the Okta client's errors into messages a person can act on, with the exit code of the
 * factor commands. Exit 2 means the settings must change (a rejected token, a missing permission).
 * Exit 1 means Okta failed or asked us to wait, so the same command may work later.
 * Messages name the setting to check and never contain the API token.
 */
import type { Clock } from '../../clock.ts'
import {
  OktaApiError,
  OktaBadResponseError,
  OktaLinkRejectedError,
  OktaRateLimitError,
  OktaTimeoutError,
  OktaUnreachableError
} from '../../okta/errors.ts'
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit.ts'
import { sanitizeText } from '../terminal/sanitize.ts'
import type { OktaSettings } from './okta-settings.ts'

/** Returns a CliError for an Okta client error, or `error` unchanged when it is something else. */
export function describeOktaError (error: unknown, settings: OktaSettings, clock: Clock): unknown {
  if (error instanceof OktaApiError) return describeApiError(error, settings)
  if (error instanceof OktaRateLimitError) return new CliError(rateLimitMessage(error, clock), EXIT_FAILURE)
  if (error instanceof OktaTimeoutError) {
    return new CliError(`Okta did not respond to ${error.method} ${sanitizeText(error.path)} within ${formatSeconds(error.timeoutMs)}. Check the network connection to ${settings.orgUrl.origin} and try again.`, EXIT_FAILURE)
  }
  if (error instanceof OktaUnreachableError) {
    return new CliError(`Cannot reach Okta at ${error.origin} (${sanitizeText(error.reason)}). Check ${settings.orgUrlSetting} and the network connection.`, EXIT_FAILURE)
  }
  if (error instanceof OktaBadResponseError || error instanceof OktaLinkRejectedError) {
    return new CliError(`${sanitizeText(error.message)}. Check that ${settings.orgUrlSetting} is your Okta org's URL.`, EXIT_FAILURE)
  }
  return error
}

function describeApiError (error: OktaApiError, settings: OktaSettings): CliError {
  const statusText = sanitizeText([error.status, error.errorCode, error.errorSummary].filter((part) => part !== undefined).join(' '))
  const path = sanitizeText(error.path)
  if (error.status === 401) {
    return new CliError(
      `Okta rejected the API token (${statusText}). Check ${settings.tokenSetting}: the token may be mistyped, ` +
      `revoked, expired after 30 days without use, or from an org other than ${settings.orgUrl.origin}.`,
      EXIT_USAGE
    )
  }
  if (error.status === 403) {
    return new CliError(
      `Okta rejected ${error.method} ${path} (${statusText}). The admin who created the token in ` +
      `${settings.tokenSetting} lacks the permission; use a token of an admin who may manage users' factors.`,
      EXIT_USAGE
    )
  }

  const causes = error.errorCauses.length === 0 ? '' : ` (${sanitizeText(error.errorCauses.join('; '))})`
  const retry = error.status >= 500 ? ' Okta failed on its side; try again later.' : ''
  const requestId = error.requestId === undefined ? '' : ` Okta request id: ${sanitizeText(error.requestId)}.`
  return new CliError(`Okta returned ${statusText}${causes} for ${error.method} ${path}.${retry}${requestId}`, EXIT_FAILURE)
}

/** Formats the message for a 429: how long to wait, in seconds and as a local time. */
export function rateLimitMessage (error: OktaRateLimitError, clock: Clock): string {
  const waitMs = Math.max(0, error.retryAt - clock.now())
  return `Okta's rate limit was reached on ${error.method} ${sanitizeText(error.path)}. Wait ${formatSeconds(waitMs)} ` +
    `(until ${formatClockTime(error.retryAt)}) and run the command again.`
}

/** Formats milliseconds as whole seconds, rounded up: `31 s`. */
export function formatSeconds (ms: number): string {
  return `${Math.ceil(ms / 1000)} s`
}

/** Formats a time as the local `HH:MM:SS`. */
export function formatClockTime (ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8)
}
