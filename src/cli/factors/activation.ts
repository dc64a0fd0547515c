/**
 * The activation half of `pushgate enroll`: show the QR code (or have Okta email the link), poll
 * until the person has scanned it, and restart an activation that expired first.
 */
import { closeSync, fchmodSync, mkdtempSync, openSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../clock.ts'
import type { OktaClient } from '../../okta/client.ts'
import type {
  ActivationActive,
  ActivationFailed,
  ActivationTimedOut,
  ActivationWaiting,
  OktaFactor,
  OktaUser,
  PushEnrollment
} from '../../okta/types.ts'
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit.ts'
import { pause, type InterruptListener } from '../terminal/interrupt.ts'
import { formatRemaining, ProgressLine } from '../terminal/progress.ts'
import { canPrompt, confirm } from '../terminal/prompt.ts'
import { decodeQrPng, renderQrText } from '../terminal/qr-code.ts'
import { sanitizeText } from '../terminal/sanitize.ts'
import { formatClockTime } from './okta-errors.ts'
import { nextPollDelayMs, pollWithinRateLimit, type PollTiming } from './polling.ts'

/**
 * Maximum number of restarts of an expired activation in one run. Each activation lasts about 10 minutes, so
 * an unattended `--restart-expired` gives up after about 40 minutes instead of running forever.
 */
export const MAX_RESTARTS = 3

/**
 * How long to keep polling after `expiresAt` while Okta still returns WAITING, in milliseconds.
 * Past it, the activation counts as expired without a link to restart it.
 */
const EXPIRY_GRACE_MS = 60_000

export interface ActivationRequest {
  okta: OktaClient
  user: OktaUser
  factorId: string
  /** Writes the QR code PNG here (mode 0600), in addition to the terminal unless `sendEmail`. */
  qrFile: string | undefined
  /** Has Okta email the activation link instead of showing the QR code in the terminal. */
  sendEmail: boolean
  /** Restarts an expired activation without asking. */
  restartExpired: boolean
  pollIntervalMs: number
  interrupt: InterruptListener
  clock: Clock
}

type ActivationEnd = ActivationActive | ActivationTimedOut | ActivationFailed

/** Waits until the new factor is ACTIVE and returns it. Throws CliError when the activation ends otherwise. */
export async function activatePushFactor (request: ActivationRequest, enrollment: PushEnrollment): Promise<OktaFactor> {
  let waiting: ActivationWaiting = enrollment.activation
  let pollUrl = enrollment.activation.pollUrl
  for (let restarts = 0; ; restarts++) {
    await deliverActivation(request, waiting)
    const end = await waitForScan(request, pollUrl, waiting.expiresAt)
    if (end.state === 'active') return end.factor
    if (end.state === 'failed') {
      throw new CliError(`The activation of factor ${sanitizeText(request.factorId)} ended with ${sanitizeText(end.result)}. Run pushgate enroll again.`, EXIT_FAILURE)
    }

    await decideRestart(request, restarts)
    const restarted = await restartActivation(request, end)
    if (restarted.state === 'active') return restarted.factor
    waiting = restarted
    pollUrl = restarted.pollUrl ?? pollUrl
  }
}

/** Shows the QR code, writes it to the --qr-file, or has Okta email the link, as requested. */
async function deliverActivation (request: ActivationRequest, waiting: ActivationWaiting): Promise<void> {
  const expiry = waiting.expiresAt === undefined ? '' : ` It expires at ${formatClockTime(waiting.expiresAt)}.`
  if (request.sendEmail) await sendEmail(request, waiting, expiry)
  if (request.sendEmail && request.qrFile === undefined) return

  if (waiting.qrcodeUrl === undefined) throw new CliError('Okta sent no QR code link for this activation. Run pushgate enroll again with --send email.', EXIT_FAILURE)
  const png = await request.okta.fetchQrCode(waiting.qrcodeUrl)
  if (request.qrFile !== undefined) {
    writeQrFile(request.qrFile, png)
    process.stderr.write(`QR code image written to ${request.qrFile}. Keep it private, because whoever scans it first gets ${sanitizeText(request.user.login)}'s push.\n`)
  }
  if (!request.sendEmail) await showQrCode(request, png, expiry)
}

async function sendEmail (request: ActivationRequest, waiting: ActivationWaiting, expiry: string): Promise<void> {
  const sendUrl = waiting.sendLinks.email
  if (sendUrl === undefined) throw new CliError('Okta offered no email link for this activation. Run pushgate enroll again without --send to scan the QR code.', EXIT_FAILURE)

  await request.okta.sendActivation(sendUrl)
  const address = sanitizeText(request.user.email ?? request.user.login)
  process.stderr.write(`Okta emailed the activation link to ${address}. Open the email on the phone that has Okta Verify and tap the link.${expiry}\n`)
}

async function showQrCode (request: ActivationRequest, png: Buffer, expiry: string): Promise<void> {
  const content = decodeQrPng(png)
  if (content === undefined) {
    // Without a readable code the PNG itself must be scanned, so keep it where the person can open it.
    // A new private folder, because a fixed name in a shared temporary folder could be a planted link.
    // The file name is fixed too: the factor id comes from Okta and could contain a path.
    const file = request.qrFile ?? join(mkdtempSync(join(tmpdir(), 'pushgate-qr-')), 'qr-code.png')
    if (request.qrFile === undefined) writeQrFile(file, png)
    process.stderr.write(`The QR code from Okta could not be drawn in the terminal. Open ${file} and scan it with Okta Verify.${expiry}\n`)
    return
  }

  const drawing = await renderQrText(content, process.stderr.isTTY === true)
  process.stderr.write([
    `Scan this QR code with Okta Verify on ${sanitizeText(request.user.login)}'s phone (in Okta Verify, add an account).${expiry}`,
    '',
    drawing.trimEnd(),
    '',
    ''
  ].join('\n'))
}

/** Writes the PNG with mode 0600, also over an existing file, before any byte of it is written. */
function writeQrFile (file: string, png: Buffer): void {
  try {
    const descriptor = openSync(file, 'w', 0o600)
    try {
      fchmodSync(descriptor, 0o600)
      writeSync(descriptor, png)
    } finally {
      closeSync(descriptor)
    }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new CliError(`Cannot write the QR code to ${file} (${reason}); pass another --qr-file.`, EXIT_USAGE)
  }
}

/** Polls the activation until it is no longer WAITING, showing the time left on a progress line. */
async function waitForScan (request: ActivationRequest, firstPollUrl: string, firstExpiresAt: number | undefined): Promise<ActivationEnd> {
  const timing: PollTiming = { intervalMs: request.pollIntervalMs, clock: request.clock, signal: request.interrupt.signal }
  const progress = new ProgressLine(process.stderr, request.clock)
  const action = request.sendEmail ? `${sanitizeText(request.user.login)} to open the emailed link` : 'the QR code to be scanned'
  let pollUrl = firstPollUrl
  let expiresAt = firstExpiresAt
  try {
    for (;;) {
      const left = expiresAt === undefined ? '' : `: ${formatRemaining(expiresAt - request.clock.now())} left`
      progress.update(`Waiting for ${action}${left} (Ctrl+C to stop)`)
      await pause(nextPollDelayMs(timing, expiresAt), timing.signal)

      const state = await pollWithinRateLimit(async () => await request.okta.pollActivation(pollUrl), timing, progress)
      if (state.state !== 'waiting') return state
      pollUrl = state.pollUrl ?? pollUrl
      expiresAt = state.expiresAt ?? expiresAt
      if (expiresAt !== undefined && request.clock.now() > expiresAt + EXPIRY_GRACE_MS) return { state: 'timed_out' }
    }
  } finally {
    progress.finish()
  }
}

/** Returns when the expired activation may be restarted, and throws CliError when it may not. */
async function decideRestart (request: ActivationRequest, restarts: number): Promise<void> {
  if (restarts >= MAX_RESTARTS) {
    throw new CliError(`The activation expired ${restarts + 1} times without a scan, so pushgate stopped. Run pushgate enroll again when the phone is at hand.`, EXIT_FAILURE)
  }
  if (request.restartExpired) {
    process.stderr.write(`The activation expired before it was used. Restarting it (restart ${restarts + 1} of ${MAX_RESTARTS}).\n`)
    return
  }
  if (!canPrompt()) {
    throw new CliError(
      'The activation expired before it was used, and without a terminal pushgate cannot ask whether to restart it. ' +
      'Run pushgate enroll again, with --restart-expired to restart expired activations without asking.',
      EXIT_FAILURE
    )
  }

  const again = request.sendEmail ? 'Send a new email?' : 'Show a new QR code?'
  if (!await confirm(`The activation expired before it was used. ${again}`, true, request.interrupt)) {
    throw new CliError(`Activation not restarted, so factor ${sanitizeText(request.factorId)} stays PENDING_ACTIVATION. Run pushgate enroll again to start over.`, EXIT_FAILURE)
  }
}

async function restartActivation (request: ActivationRequest, expired: ActivationTimedOut): Promise<ActivationActive | ActivationWaiting> {
  if (expired.activateUrl === undefined) {
    throw new CliError('The activation expired and Okta sent no link to restart it. Run pushgate enroll again.', EXIT_FAILURE)
  }
  const restarted = await request.okta.restartActivation(expired.activateUrl)
  if (restarted.state === 'active' || restarted.state === 'waiting') return restarted

  const result = restarted.state === 'failed' ? restarted.result : 'TIMEOUT'
  throw new CliError(`Okta did not restart the activation (it returned ${sanitizeText(result)}). Run pushgate enroll again.`, EXIT_FAILURE)
}
