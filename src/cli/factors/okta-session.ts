/**
 * The steps around the Okta calls of every factor command: open a client from the settings, close
 * it at the end, turn Okta errors into messages with exit codes, and look the user up by login.
 */
import { systemClock, type Clock } from '../../clock.ts'
import { canSignIn } from '../../login/user-status.ts'
import { OktaClient } from '../../okta/client.ts'
import { isOktaNotFound } from '../../okta/errors.ts'
import type { OktaUser } from '../../okta/types.ts'
import { CliError } from '../exit.ts'
import { sanitizeText } from '../terminal/sanitize.ts'
import { describeOktaError } from './okta-errors.ts'
import type { OktaSettings } from './okta-settings.ts'

/**
 * Runs `work` with a client for the org in `settings` and closes the client afterwards. Okta errors
 * come out as CliError; other errors pass through unchanged.
 */
export async function withOkta<T> (settings: OktaSettings, work: (okta: OktaClient) => Promise<T>, clock: Clock = systemClock): Promise<T> {
  const okta = openClient(settings, clock)
  try {
    return await work(okta)
  } catch (error) {
    throw describeOktaError(error, settings, clock)
  } finally {
    await okta.close()
  }
}

function openClient (settings: OktaSettings, clock: Clock): OktaClient {
  try {
    return new OktaClient({ orgUrl: settings.orgUrl, apiToken: settings.apiToken, timeoutMs: settings.requestTimeoutMs, clock })
  } catch (error) {
    // The client checks the token's characters, but its message names no setting, so this one does.
    if (error instanceof TypeError && error.message.includes('apiToken')) {
      throw new CliError(`The API token in ${settings.tokenSetting} is empty or contains spaces, line breaks or non-ASCII characters. Check it, and a token file for a trailing newline.`)
    }
    throw error
  }
}

/**
 * Fetches the user by login (or id). An unknown login is a CliError with exit 2; with
 * `requireSignIn`, so is a user whose Okta status does not let them sign in through pushgate.
 */
export async function findUser (okta: OktaClient, login: string, options: { requireSignIn: boolean }): Promise<OktaUser> {
  let user: OktaUser
  try {
    user = await okta.getUser(login)
  } catch (error) {
    if (isOktaNotFound(error)) {
      throw new CliError(`No Okta user has the login ${JSON.stringify(login)} in ${okta.orgUrl.origin}. Check the spelling (Okta logins are usually email addresses).`)
    }
    throw error
  }

  if (options.requireSignIn && !canSignIn(user.status)) {
    throw new CliError(
      `${sanitizeText(user.login)} is ${sanitizeText(user.status)} in Okta, so pushgate cannot sign them in with a push. ` +
      'Activate the user (or end the suspension) in the Okta Admin Console under Directory > People, then run the command again.'
    )
  }
  return user
}
