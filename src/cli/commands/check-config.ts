/**
 * `pushgate check-config --config FILE [--online]`: validates the configuration offline, and with
 * --online also looks up every configured user and their push factor in Okta. Exit 0 valid, 1 invalid.
 */
import type { Command } from 'commander'
import { configWarnings, loadConfigFile } from '../../config/load.ts'
import type { Config } from '../../config/schema.ts'
import { PushgateError } from '../../errors.ts'
import { canSignIn } from '../../login/user-status.ts'
import type { OktaClient } from '../../okta/client.ts'
import { isOktaNotFound } from '../../okta/errors.ts'
import type { OktaFactor, OktaUser } from '../../okta/types.ts'
import { configPath } from '../config-path.ts'
import { CliError, EXIT_FAILURE } from '../exit.ts'
import { isOktaVerifyPush } from '../factors/format.ts'
import { settingsFromConfig } from '../factors/okta-settings.ts'
import { withOkta } from '../factors/okta-session.ts'
import { sanitizeText } from '../terminal/sanitize.ts'

type ConfiguredUser = Config['users'][number]

export function registerCheckConfig (program: Command): void {
  program
    .command('check-config')
    .description('validate a configuration file; exit 0 when valid, 1 when not')
    .option('-c, --config <file>', 'configuration file (default: $PUSHGATE_CONFIG)')
    .option('--online', 'also check the Okta API token and every user\'s push factor')
    .action(async (options: { config?: string, online?: boolean }) => {
      const path = configPath(options.config)
      let config: Config
      try {
        config = loadConfigFile(path)
      } catch (error) {
        if (error instanceof PushgateError) throw new CliError(error.message, EXIT_FAILURE)
        throw error
      }
      for (const warning of configWarnings(config)) process.stderr.write(`warning: ${warning}\n`)

      const summary = `${path} is valid: ${config.users.length} user(s), publicUrl ${config.publicUrl.href}`
      if (options.online !== true) {
        process.stdout.write(`${summary}. Okta was not contacted; add --online to check the API token and every user's push factor\n`)
        return
      }
      await checkOnline(config, path)
      process.stdout.write(`${summary}; Okta accepted the API token and every user has an ACTIVE push factor\n`)
    })
}

/** Looks up every user in Okta; throws CliError (exit 1) listing the problems, or naming the failed call. */
async function checkOnline (config: Config, path: string): Promise<void> {
  let problems: string[]
  try {
    problems = await withOkta(settingsFromConfig(config.okta, path), async (okta) => {
      const found: string[] = []
      for (const [index, user] of config.users.entries()) {
        const problem = await checkUser(okta, user)
        if (problem !== undefined) found.push(`  - users.${index} (${user.login}): ${problem}`)
      }
      return found
    })
  } catch (error) {
    // withOkta words Okta's errors with the setting to check, as the factor commands do.
    if (error instanceof CliError) throw new CliError(`Okta check failed: ${error.message}`, EXIT_FAILURE)
    throw error
  }
  if (problems.length > 0) throw new CliError(`Okta check found problems:\n${problems.join('\n')}`, EXIT_FAILURE)
}

/** Returns what stops `user` from signing in with a push, or undefined when nothing does. */
async function checkUser (okta: OktaClient, user: ConfiguredUser): Promise<string | undefined> {
  const enroll = `pushgate enroll --login ${user.login}`
  let found: OktaUser
  try {
    found = await okta.getUser(user.oktaUserId ?? user.login)
  } catch (error) {
    if (!isOktaNotFound(error)) throw error
    if (user.oktaUserId !== undefined) {
      return `the pinned oktaUserId ${user.oktaUserId} was not found in Okta. Remove the oktaUserId and factorId lines to have pushgate look the login up, or run ${enroll} and paste the ids it prints`
    }
    return `no Okta user has this login in ${okta.orgUrl.origin}; check the spelling (Okta logins are usually email addresses)`
  }

  if (user.oktaUserId !== undefined && found.login.toLowerCase() !== user.login.toLowerCase()) {
    return `the pinned oktaUserId ${user.oktaUserId} belongs to ${sanitizeText(found.login)}, so this entry would push to their phone. ` +
      `Remove the oktaUserId and factorId lines, or run ${enroll} and paste the ids it prints`
  }
  if (!canSignIn(found.status)) {
    return `Okta status is ${sanitizeText(found.status)}, which cannot sign in; activate the user in the Okta Admin Console under Directory > People`
  }
  return await checkFactor(okta, found, user, enroll)
}

async function checkFactor (okta: OktaClient, found: OktaUser, user: ConfiguredUser, enroll: string): Promise<string | undefined> {
  if (user.factorId === undefined) {
    const factor = await okta.findActivePushFactor(found.id)
    return factor === undefined ? `has no ACTIVE Okta Verify push factor; run ${enroll}` : undefined
  }

  let factor: OktaFactor
  try {
    factor = await okta.getFactor(found.id, user.factorId)
  } catch (error) {
    if (!isOktaNotFound(error)) throw error
    return `the pinned factorId ${user.factorId} was not found for this user in Okta. Remove the factorId line, or run ${enroll} and paste the ids it prints`
  }
  if (!isOktaVerifyPush(factor)) {
    return `the pinned factorId ${user.factorId} is a ${sanitizeText(factor.factorType)} factor from ${sanitizeText(factor.provider)}, not Okta Verify push. Run ${enroll} and paste the ids it prints`
  }
  if (factor.status !== 'ACTIVE') return `the pinned push factor ${user.factorId} is ${sanitizeText(factor.status)}; run ${enroll}`
  return undefined
}
