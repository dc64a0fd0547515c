/**
 * `pushgate factors --login L [--json]`: lists the user's factors with type, status and device.
 * Exit 0 with the list (which may be empty), 1 when Okta failed, 2 for usage and settings errors
 * and an unknown login.
 */
import type { Command } from 'commander'
import type { OktaFactor, OktaUser } from '../../okta/types.ts'
import { addUserOptions } from '../factors/command-options.ts'
import { formatFactorTable } from '../factors/format.ts'
import { resolveOktaSettings } from '../factors/okta-settings.ts'
import { findUser, withOkta } from '../factors/okta-session.ts'
import { sanitizeText, stringifyJsonForTerminal } from '../terminal/sanitize.ts'

interface FactorsOptions {
  login: string
  config?: string
  json?: boolean
}

export function registerFactors (program: Command): void {
  const command = program
    .command('factors')
    .description('list a user\'s Okta factors with type, status and device')
  addUserOptions(command)
    .option('--json', 'print the user and factors as JSON')
    .action(async (options: FactorsOptions) => { await listFactors(options) })
}

async function listFactors (options: FactorsOptions): Promise<void> {
  const settings = resolveOktaSettings(options.config)
  await withOkta(settings, async (okta) => {
    // Listing works for any user status, so a suspended user's factors can still be reviewed.
    const user = await findUser(okta, options.login, { requireSignIn: false })
    const factors = await okta.listFactors(user.id)
    process.stdout.write(options.json === true ? formatJson(user, factors) : formatText(user, factors))
  })
}

function formatText (user: OktaUser, factors: readonly OktaFactor[]): string {
  const login = sanitizeText(user.login)
  const heading = `${login} (${sanitizeText(user.id)}, ${sanitizeText(user.status)})`
  if (factors.length === 0) {
    return `${heading} has no factors. Enroll Okta Verify push with: pushgate enroll --login ${login}\n`
  }
  const count = factors.length === 1 ? '1 factor' : `${factors.length} factors`
  return `${heading}: ${count}\n${formatFactorTable(factors)}`
}

function formatJson (user: OktaUser, factors: readonly OktaFactor[]): string {
  const created = (factor: OktaFactor) => factor.createdAt === undefined ? {} : { created: new Date(factor.createdAt).toISOString() }
  const body = {
    user: { id: user.id, login: user.login, status: user.status },
    factors: factors.map((factor) => ({
      id: factor.id,
      factorType: factor.factorType,
      provider: factor.provider,
      status: factor.status,
      ...created(factor),
      ...(factor.device === undefined ? {} : { device: factor.device })
    }))
  }
  return `${stringifyJsonForTerminal(body)}\n`
}
