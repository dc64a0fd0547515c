/**
 * `pushgate unenroll --login L --factor ID [--yes]`: removes one of the user's factors after a
 * confirmation. Without a terminal to ask on, --yes is required.
 *
 * Exit 0 when the factor is removed, 1 when the person declines or Okta failed, 2 for usage and
 * settings errors, an unknown login or factor, and a missing --yes without a terminal.
 */
import type { Command } from 'commander'
import type { OktaClient } from '../../okta/client.ts'
import { isOktaNotFound } from '../../okta/errors.ts'
import type { OktaFactor, OktaUser } from '../../okta/types.ts'
import { CliError, EXIT_FAILURE } from '../exit.ts'
import { addUserOptions } from '../factors/command-options.ts'
import { describeDevice, isOktaVerifyPush } from '../factors/format.ts'
import { resolveOktaSettings } from '../factors/okta-settings.ts'
import { findUser, withOkta } from '../factors/okta-session.ts'
import { InterruptedError, listenForInterrupt } from '../terminal/interrupt.ts'
import { canPrompt, confirm } from '../terminal/prompt.ts'
import { sanitizeText } from '../terminal/sanitize.ts'

interface UnenrollOptions {
  login: string
  factor: string
  config?: string
  yes?: boolean
}

export function registerUnenroll (program: Command): void {
  const command = program
    .command('unenroll')
    .description('remove one of a user\'s factors (asks first; --yes skips the question)')
  addUserOptions(command)
    .requiredOption('-f, --factor <id>', 'the factor id, as pushgate factors lists it')
    .option('-y, --yes', 'remove without asking; required without a terminal')
    .action(async (options: UnenrollOptions) => { await unenroll(options) })
}

async function unenroll (options: UnenrollOptions): Promise<void> {
  const settings = resolveOktaSettings(options.config)
  await withOkta(settings, async (okta) => {
    const user = await findUser(okta, options.login, { requireSignIn: false })
    const factor = await findFactor(okta, user, options.factor)
    const description = describeFactor(factor)
    const login = sanitizeText(user.login)

    if (isOktaVerifyPush(factor)) {
      process.stderr.write(
        `Warning: removing the push factor also removes ${login}'s Okta Verify codes (TOTP) and FastPass. ` +
        'They cannot sign in through pushgate until a phone is enrolled again with pushgate enroll.\n'
      )
    }
    if (options.yes !== true) await confirmRemoval(login, description)

    await okta.deleteFactor(user.id, factor.id)
    process.stdout.write(`Removed ${description} from ${login}.\n`)
    if (isOktaVerifyPush(factor)) {
      process.stderr.write(`If the configuration pins factorId: ${sanitizeText(factor.id)}, remove that line or replace it with the id pushgate enroll prints.\n`)
    }
  })
}

async function findFactor (okta: OktaClient, user: OktaUser, factorId: string): Promise<OktaFactor> {
  try {
    return await okta.getFactor(user.id, factorId)
  } catch (error) {
    if (isOktaNotFound(error)) {
      const login = sanitizeText(user.login)
      throw new CliError(`${login} has no factor ${sanitizeText(factorId)}. List the factors with: pushgate factors --login ${login}`)
    }
    throw error
  }
}

/** Describes a factor for the question and the result, sanitised: `ACTIVE push factor opf… on Alice's iPhone (IOS)`. */
function describeFactor (factor: OktaFactor): string {
  const where = factor.device === undefined ? `from ${sanitizeText(factor.provider)}` : `on ${describeDevice(factor)}`
  return `${sanitizeText(factor.status)} ${sanitizeText(factor.factorType)} factor ${sanitizeText(factor.id)} ${where}`
}

/** Asks before the removal; `login` is the user's login, already sanitised. */
async function confirmRemoval (login: string, description: string): Promise<void> {
  if (!canPrompt()) {
    throw new CliError(`Not removing ${description} from ${login}: there is no terminal to confirm on. Pass --yes to remove it without asking.`)
  }

  const interrupt = listenForInterrupt()
  try {
    if (!await confirm(`Remove ${description} from ${login}?`, false, interrupt)) {
      throw new CliError('Nothing removed.', EXIT_FAILURE)
    }
  } catch (error) {
    if (error instanceof InterruptedError) throw new CliError('\nNothing removed.', error.exitCode)
    throw error
  } finally {
    interrupt.dispose()
  }
}
