/**
 * `pushgate test-push --login L [--factor ID] [--no-number-challenge]`: sends one Okta Verify push,
 * shows the number to tap, and reports whether the person approved it.
 *
 * Exit codes: 0 when approved. 1 when denied, timed out, cancelled or failed, or when Okta failed.
 * 2 for usage and settings errors, an unknown login, a user who cannot sign in, or a user without
 * an ACTIVE push factor. 130 after Ctrl+C, which cancels the push.
 */
import type { Command } from 'commander'
import { systemClock } from '../../clock.ts'
import type { OktaClient } from '../../okta/client.ts'
import { isOktaNotFound } from '../../okta/errors.ts'
import type { OktaFactor, OktaUser, PushChallenge, PushStatus } from '../../okta/types.ts'
import { CliError, EXIT_FAILURE } from '../exit.ts'
import { addPollIntervalOption, addUserOptions, parsePollIntervalMs } from '../factors/command-options.ts'
import { describeDevice, isOktaVerifyPush } from '../factors/format.ts'
import { formatClockTime } from '../factors/okta-errors.ts'
import { resolveOktaSettings } from '../factors/okta-settings.ts'
import { findUser, withOkta } from '../factors/okta-session.ts'
import { nextPollDelayMs, pollWithinRateLimit, type PollTiming } from '../factors/polling.ts'
import { InterruptedError, listenForInterrupt, pause } from '../terminal/interrupt.ts'
import { formatRemaining, ProgressLine } from '../terminal/progress.ts'
import { sanitizeText } from '../terminal/sanitize.ts'

/**
 * How long to keep polling while Okta still returns WAITING, in milliseconds: past the push's
 * `expiresAt` by this much, or this long in all when Okta sends no `expiresAt`. Okta does not
 * document a push lifetime; 5 minutes is usual, so 6 leaves a margin.
 */
const LOCAL_DEADLINE_MARGIN_MS = 60_000
const LOCAL_DEADLINE_WITHOUT_EXPIRY_MS = 360_000

interface TestPushOptions {
  login: string
  config?: string
  factor?: string
  numberChallenge: boolean
  pollIntervalMs: string
}

export function registerTestPush (program: Command): void {
  const command = program
    .command('test-push')
    .description('send one Okta Verify push and report approved (exit 0), or denied or timed out (exit 1)')
  addUserOptions(command)
    .option('-f, --factor <id>', 'the push factor to use (default: the user\'s ACTIVE Okta Verify push factor)')
    .option('--no-number-challenge', 'do not ask Okta Verify to show a number to tap (default: okta.numberChallenge, else on)')
  addPollIntervalOption(command)
  command.action(async (options: TestPushOptions, self: Command) => { await testPush(options, self) })
}

interface PushOutcome {
  status: PushStatus
  /** True when the local deadline ended the wait, not a result from Okta. */
  timedOutLocally: boolean
}

async function testPush (options: TestPushOptions, command: Command): Promise<void> {
  const pollIntervalMs = parsePollIntervalMs(options.pollIntervalMs)
  const settings = resolveOktaSettings(options.config)
  const numberChallenge = command.getOptionValueSource('numberChallenge') === 'cli' ? options.numberChallenge : settings.numberChallenge
  const userAgent = `pushgate/${command.parent?.version() ?? 'unknown'} test-push (Node.js ${process.versions.node}; ${process.platform})`

  const interrupt = listenForInterrupt()
  const timing: PollTiming = { intervalMs: pollIntervalMs, clock: systemClock, signal: interrupt.signal }
  try {
    await withOkta(settings, async (okta) => {
      const user = await findUser(okta, options.login, { requireSignIn: true })
      const factor = await findPushFactor(okta, user, options.factor)
      const challenge = await okta.verifyPush(user.id, factor.id, { userAgent, numberChallenge })
      process.stderr.write(`Push sent to ${describeDevice(factor)} for ${sanitizeText(user.login)}.\n`)

      const outcome = await waitForAnswer(okta, challenge, timing)
      reportOutcome(outcome, user, factor)
    })
  } finally {
    interrupt.dispose()
  }
}

/** Returns the user's push factor: `factorId` when given, else their ACTIVE Okta Verify push factor. */
async function findPushFactor (okta: OktaClient, user: OktaUser, factorId: string | undefined): Promise<OktaFactor> {
  const login = sanitizeText(user.login)
  const enrollHint = `Enroll a phone with: pushgate enroll --login ${login}`
  if (factorId === undefined) {
    const factor = await okta.findActivePushFactor(user.id)
    if (factor === undefined) throw new CliError(`${login} has no ACTIVE Okta Verify push factor. ${enrollHint}`)
    return factor
  }

  const shownId = sanitizeText(factorId)
  let factor: OktaFactor
  try {
    factor = await okta.getFactor(user.id, factorId)
  } catch (error) {
    if (isOktaNotFound(error)) throw new CliError(`${login} has no factor ${shownId}. List the factors with: pushgate factors --login ${login}`)
    throw error
  }
  if (!isOktaVerifyPush(factor)) {
    throw new CliError(`Factor ${shownId} is ${sanitizeText(factor.factorType)} from ${sanitizeText(factor.provider)}, not an Okta Verify push factor.`)
  }
  if (factor.status !== 'ACTIVE') throw new CliError(`Push factor ${shownId} is ${sanitizeText(factor.status)}, not ACTIVE. ${enrollHint}`)
  return factor
}

/**
 * Polls the push until the person responds or it expires, showing the number to tap as soon as Okta sends
 * it. Ctrl+C cancels the push before the InterruptedError goes on.
 */
async function waitForAnswer (okta: OktaClient, challenge: PushChallenge, timing: PollTiming): Promise<PushOutcome> {
  const progress = new ProgressLine(process.stderr, timing.clock)
  const sentAt = timing.clock.now()
  let status: PushStatus = challenge
  let pollUrl = challenge.pollUrl
  let cancelUrl = challenge.cancelUrl
  let expiresAt = challenge.expiresAt
  let numberShown = false
  try {
    for (;;) {
      if (!numberShown && status.correctAnswer !== undefined) {
        progress.finish()
        process.stderr.write(`Tap ${status.correctAnswer} in Okta Verify.\n`)
        numberShown = true
      }
      if (status.outcome !== 'waiting') return { status, timedOutLocally: false }

      const deadline = expiresAt === undefined ? sentAt + LOCAL_DEADLINE_WITHOUT_EXPIRY_MS : expiresAt + LOCAL_DEADLINE_MARGIN_MS
      if (timing.clock.now() > deadline) {
        await cancelQuietly(okta, cancelUrl)
        return { status, timedOutLocally: true }
      }

      const left = expiresAt === undefined ? '' : `: ${formatRemaining(expiresAt - timing.clock.now())} left`
      progress.update(`Waiting for the answer in Okta Verify${left} (Ctrl+C to cancel)`)
      await pause(nextPollDelayMs(timing, expiresAt), timing.signal)
      status = await pollWithinRateLimit(async () => await okta.pollPush(pollUrl), timing, progress)
      pollUrl = status.pollUrl ?? pollUrl
      cancelUrl = status.cancelUrl ?? cancelUrl
      expiresAt = status.expiresAt ?? expiresAt
    }
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error
    progress.finish()
    const cancelled = await cancelQuietly(okta, cancelUrl)
    throw new CliError(cancelled ? 'Stopped. The push was cancelled.' : 'Stopped. Cancelling the push failed, so it stays on the phone until it expires.', error.exitCode)
  } finally {
    progress.finish()
  }
}

/** Cancels the push; returns false when there is no cancel link or the call failed. */
async function cancelQuietly (okta: OktaClient, cancelUrl: string | undefined): Promise<boolean> {
  if (cancelUrl === undefined) return false
  try {
    await okta.cancelPush(cancelUrl)
    return true
  } catch {
    return false
  }
}

function reportOutcome (outcome: PushOutcome, user: OktaUser, factor: OktaFactor): void {
  const device = describeDevice(factor)
  if (outcome.timedOutLocally) {
    throw new CliError(`Push timed out: Okta still reported it as waiting after its expiry, so pushgate cancelled it. Nobody approved it on ${device}.`, EXIT_FAILURE)
  }

  const status = outcome.status
  switch (status.outcome) {
    case 'approved':
      process.stdout.write(`Push approved by ${sanitizeText(user.login)} on ${device}.\n`)
      return
    case 'denied':
      throw new CliError(`Push denied on ${device}.`, EXIT_FAILURE)
    case 'timed_out': {
      const when = status.expiresAt === undefined ? '' : ` (it expired at ${formatClockTime(status.expiresAt)})`
      throw new CliError(`Push timed out without a response on ${device}${when}.`, EXIT_FAILURE)
    }
    case 'cancelled':
      throw new CliError('Push cancelled before the person responded.', EXIT_FAILURE)
    default:
      throw new CliError(`Push failed: Okta returned the result ${sanitizeText(status.result)}.`, EXIT_FAILURE)
  }
}
