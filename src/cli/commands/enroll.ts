/**
 * `pushgate enroll --login L [--qr-file F] [--send email] [--replace] [--restart-expired]`: enrolls
 * an Okta Verify push factor, waits until the person has scanned the QR code (or opened the emailed
 * link), and prints the `users:` entry with the pinned user and factor ids.
 *
 * Exit 0 when the factor is ACTIVE (including one that was ACTIVE already), 1 when the activation
 * did not finish or Okta failed, 2 for usage and settings errors, 130 after Ctrl+C.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { systemClock } from '../../clock.ts'
import type { OktaClient } from '../../okta/client.ts'
import { OktaApiError } from '../../okta/errors.ts'
import type { OktaFactor, OktaUser, PushEnrollment } from '../../okta/types.ts'
import { CliError } from '../exit.ts'
import { activatePushFactor, MAX_RESTARTS } from '../factors/activation.ts'
import { addPollIntervalOption, addUserOptions, parsePollIntervalMs } from '../factors/command-options.ts'
import { describeDevice, formatUserSnippet, isOktaVerifyPush } from '../factors/format.ts'
import { resolveOktaSettings } from '../factors/okta-settings.ts'
import { findUser, withOkta } from '../factors/okta-session.ts'
import { InterruptedError, listenForInterrupt, type InterruptListener } from '../terminal/interrupt.ts'
import { sanitizeText } from '../terminal/sanitize.ts'

/** Printed on stderr before the snippet, so stdout carries only YAML. */
const PASTE_HINT = 'Add this entry under users: in the configuration to skip the lookups at sign-in:\n'

interface EnrollOptions {
  login: string
  config?: string
  qrFile?: string
  send?: string
  replace?: boolean
  restartExpired?: boolean
  pollIntervalMs: string
}

export function registerEnroll (program: Command): void {
  const command = program
    .command('enroll')
    .description('enroll an Okta Verify push factor: show the QR code, wait for the scan, print the users: entry')
  addUserOptions(command)
    .option('--qr-file <file>', 'also write the QR code image (PNG, mode 0600) to this file')
    .option('--send <channel>', 'have Okta send the activation link instead of showing the QR code; the only channel is email')
    .option('--replace', 'remove the user\'s ACTIVE push factor (and with it their Okta Verify codes) and enroll a new phone')
    .option('--restart-expired', `restart an expired activation without asking, up to ${MAX_RESTARTS} times (without a terminal, expiry fails otherwise)`)
  addPollIntervalOption(command)
  command.action(async (options: EnrollOptions) => { await enroll(options) })
}

async function enroll (options: EnrollOptions): Promise<void> {
  const sendEmail = parseSend(options.send)
  if (options.qrFile !== undefined) checkQrFile(options.qrFile)
  const pollIntervalMs = parsePollIntervalMs(options.pollIntervalMs)
  const settings = resolveOktaSettings(options.config)

  const interrupt = listenForInterrupt()
  const enrolled: { factorId?: string } = {}
  try {
    await withOkta(settings, async (okta) => {
      const user = await findUser(okta, options.login, { requireSignIn: true })
      const factors = await okta.listFactors(user.id)
      const active = factors.find((factor) => isOktaVerifyPush(factor) && factor.status === 'ACTIVE')
      if (active !== undefined && options.replace !== true) {
        reportAlreadyActive(user, active)
        return
      }
      if (active !== undefined) await removeForReplacement(okta, user, active)

      const enrollment = await enrollPushFactor(okta, user, factors)
      enrolled.factorId = enrollment.factorId
      const factor = await activatePushFactor({
        okta,
        user,
        factorId: enrollment.factorId,
        qrFile: options.qrFile,
        sendEmail,
        restartExpired: options.restartExpired === true,
        pollIntervalMs,
        interrupt,
        clock: systemClock
      }, enrollment)

      process.stderr.write(`Okta Verify push is ACTIVE for ${sanitizeText(user.login)} on ${describeDevice(factor)}.\n${PASTE_HINT}`)
      process.stdout.write(formatUserSnippet(user, factor))
    })
  } catch (error) {
    throw describeInterruption(error, interrupt, enrolled.factorId)
  } finally {
    interrupt.dispose()
  }
}

function parseSend (channel: string | undefined): boolean {
  if (channel === undefined) return false
  if (channel === 'email') return true
  throw new CliError(`--send is ${JSON.stringify(channel)}; the only channel pushgate can send is email`)
}

/** Rejects a --qr-file that cannot be written before anything changes in Okta. */
function checkQrFile (file: string): void {
  const path = resolve(file)
  try {
    accessSync(dirname(path), constants.W_OK)
  } catch (error) {
    throw new CliError(`--qr-file ${file} cannot be written: its folder ${dirname(path)} is missing or not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
  let isDirectory = false
  try {
    isDirectory = statSync(path).isDirectory()
  } catch {
    // A file that does not exist yet is fine.
  }
  if (isDirectory) throw new CliError(`--qr-file ${file} is a folder; give a file name such as ${file.replace(/\/+$/, '')}/qr.png`)
}

function reportAlreadyActive (user: OktaUser, active: OktaFactor): void {
  process.stderr.write(
    `${sanitizeText(user.login)} already has an ACTIVE Okta Verify push factor ${sanitizeText(active.id)} on ${describeDevice(active)}. ` +
    `Nothing changed; pass --replace to enroll a new phone in its place.\n${PASTE_HINT}`
  )
  process.stdout.write(formatUserSnippet(user, active))
}

async function removeForReplacement (okta: OktaClient, user: OktaUser, active: OktaFactor): Promise<void> {
  // Okta allows one push factor per user, so the old one goes before the new one is enrolled.
  process.stderr.write(
    `Removing the ACTIVE push factor ${sanitizeText(active.id)} on ${describeDevice(active)} (--replace). ` +
    `Until the new phone is enrolled, ${sanitizeText(user.login)} cannot sign in with a push, and their Okta Verify codes are removed too.\n`
  )
  await okta.deleteFactor(user.id, active.id)
}

async function enrollPushFactor (okta: OktaClient, user: OktaUser, factors: readonly OktaFactor[]): Promise<PushEnrollment> {
  try {
    return await okta.enrollPush(user.id)
  } catch (error) {
    // Okta does not document enrolling push while another push factor is pending; point to the fix.
    const pending = factors.find((factor) => isOktaVerifyPush(factor) && factor.status !== 'ACTIVE')
    if (error instanceof OktaApiError && error.status === 400 && pending !== undefined) {
      const causes = error.errorCauses.length === 0 ? '' : ` (${error.errorCauses.join('; ')})`
      const login = sanitizeText(user.login)
      const pendingId = sanitizeText(pending.id)
      throw new CliError(
        `Okta did not enroll a new push factor: ${sanitizeText((error.errorSummary ?? error.errorCode ?? 'validation failed') + causes)}. ` +
        `${login} has an unfinished push factor ${pendingId} (${sanitizeText(pending.status)}); remove it with ` +
        `pushgate unenroll --login ${login} --factor ${pendingId}, then enroll again.`
      )
    }
    throw error
  }
}

/** Turns Ctrl+C (or SIGTERM) into a message and its exit code; other errors pass through. */
function describeInterruption (error: unknown, interrupt: InterruptListener, factorId: string | undefined): unknown {
  if (!(error instanceof InterruptedError) && !interrupt.signal.aborted) return error
  const reason = interrupt.signal.reason as InterruptedError
  const pending = factorId === undefined ? '' : ` Factor ${sanitizeText(factorId)} stays PENDING_ACTIVATION; run pushgate enroll again for a new QR code.`
  return new CliError(`Stopped before the enrollment finished.${pending}`, reason.exitCode)
}
