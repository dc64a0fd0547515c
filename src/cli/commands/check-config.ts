/**
 * `pushgate check-config --config FILE [--online]`: validates the configuration offline, and with
 * --online also asks Okta for every configured user and their push factor. Exit 0 valid, 1 invalid.
 */
import type { Command } from 'commander'
import { configWarnings, loadConfigFile } from '../../config/load.ts'
import type { Config } from '../../config/schema.ts'
import { PushgateError } from '../../errors.ts'
import { canSignIn } from '../../login/user-status.ts'
import { OktaClient } from '../../okta/client.ts'
import { configPath } from '../config-path.ts'
import { CliError, EXIT_FAILURE } from '../exit.ts'

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
      if (options.online === true) await checkOnline(config)
      process.stdout.write(`${path} is valid: ${config.users.length} user(s), publicUrl ${config.publicUrl.href}\n`)
    })
}

async function checkOnline (config: Config): Promise<void> {
  const okta = new OktaClient({ orgUrl: config.okta.orgUrl, apiToken: config.okta.apiToken, timeoutMs: config.okta.requestTimeoutMs })
  const problems: string[] = []
  try {
    for (const user of config.users) {
      const problem = await checkUser(okta, user.oktaUserId ?? user.login, user.factorId)
      if (problem !== undefined) problems.push(`  - ${user.login}: ${problem}`)
    }
  } catch (error) {
    throw new CliError(`Okta check failed: ${error instanceof Error ? error.message : String(error)}`, EXIT_FAILURE)
  } finally {
    await okta.close()
  }
  if (problems.length > 0) throw new CliError(`Okta check found problems:\n${problems.join('\n')}`, EXIT_FAILURE)
}

async function checkUser (okta: OktaClient, idOrLogin: string, pinnedFactorId: string | undefined): Promise<string | undefined> {
  let user
  try {
    user = await okta.getUser(idOrLogin)
  } catch (error) {
    if ((error as { errorCode?: unknown }).errorCode === 'E0000007') return 'not found in Okta; check the login'
    throw error
  }
  if (!canSignIn(user.status)) return `Okta status is ${user.status}, which cannot sign in`

  const factor = pinnedFactorId === undefined
    ? await okta.findActivePushFactor(user.id)
    : await okta.getFactor(user.id, pinnedFactorId)
  if (factor === undefined) return 'has no ACTIVE Okta Verify push factor; run: pushgate enroll --login ' + idOrLogin
  if (factor.status !== 'ACTIVE') return `push factor ${factor.id} is ${factor.status}; run: pushgate enroll --login ${idOrLogin}`
  return undefined
}
