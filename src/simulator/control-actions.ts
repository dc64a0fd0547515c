/**
 * What the phone does, shared by the control API and the phone page: approving or denying pushes, scanning
 * activation QR codes, and summaries of pushes and pending enrollments.
 */
import type { SimulatorContext } from './context.ts'
import { activateFactor, activationResult, findFactorByActivationToken } from './factors.ts'
import { InputError } from './input.ts'
import { isoTime, qrCodeUrl } from './links.ts'
import type { PushState, PushTransaction, SimFactor, SimUser } from './model.ts'
import { answerPush, listPushes, type PushAction } from './pushes.ts'
import { activationLink, tokenFromActivationLink } from './qr.ts'

export interface PushSummary {
  transactionId: string
  userId: string
  login: string
  factorId: string
  state: PushState
  correctAnswer?: number
  choices?: number[]
  userAgent: string
  clientIp: string
  createdAt: string
  expiresAt: string
}

export function summarizePush (context: SimulatorContext, push: PushTransaction): PushSummary {
  const summary: PushSummary = {
    transactionId: push.id,
    userId: push.userId,
    login: context.state.users.get(push.userId)?.login ?? '',
    factorId: push.factorId,
    state: push.state,
    userAgent: push.userAgent,
    clientIp: push.clientIp,
    createdAt: isoTime(push.createdAt),
    expiresAt: isoTime(push.expiresAt)
  }
  if (push.challenge !== undefined) {
    summary.correctAnswer = push.challenge.correctAnswer
    summary.choices = [...push.challenge.choices]
  }
  return summary
}

/** Pushes oldest first, optionally only one user's (by login, ignoring case) or one state's. */
export function findPushes (context: SimulatorContext, filter: { login?: string, state?: PushState }): PushTransaction[] {
  const login = filter.login?.toLowerCase()
  return listPushes(context.state, context.clock.now()).filter((push) => {
    const user = context.state.users.get(push.userId)
    if (login !== undefined && user?.login.toLowerCase() !== login) return false
    return filter.state === undefined || push.state === filter.state
  })
}

/** Approves, denies or times out the push `transactionId`. Throws InputError 404 for an unknown push, 409 when it is not WAITING. */
export function answerPushById (context: SimulatorContext, transactionId: string, action: PushAction, answer?: number): PushSummary {
  const push = context.state.pushes.get(transactionId)
  if (push === undefined) throw new InputError(`No push has transaction id ${JSON.stringify(transactionId)}; GET /_sim/pushes lists them`, 404)

  answerPush(push, action, answer, context.clock.now())
  return summarizePush(context, push)
}

export interface ScanResult {
  userId: string
  login: string
  factorId: string
  status: 'ACTIVE'
  deviceName: string
}

/**
 * Activates the pending factor whose QR code or activation link has `content`, as Okta Verify does
 * after a scan. Throws InputError 404 for an unknown token and 410 for an expired activation.
 */
export function scanActivation (context: SimulatorContext, content: string, deviceName?: string): ScanResult {
  const token = tokenFromActivationLink(content)
  const factor = token === '' ? undefined : findFactorByActivationToken(context.state, token)
  const user = factor === undefined ? undefined : context.state.users.get(factor.userId)
  if (factor === undefined || user === undefined) {
    throw new InputError('No pending enrollment has this activation code; it was used already, or the factor was enrolled again or deleted', 404)
  }

  const now = context.clock.now()
  if (activationResult(factor, now) === 'TIMEOUT') {
    throw new InputError(`This activation expired at ${isoTime(factor.activation!.expiresAt)}; POST the factor's activate link to get a new QR code`, 410)
  }

  activateFactor(factor, deviceName ?? user.deviceName, now)
  return { userId: user.id, login: user.login, factorId: factor.id, status: 'ACTIVE', deviceName: factor.device!.name }
}

export interface EnrollmentSummary {
  userId: string
  login: string
  factorId: string
  activationToken: string
  activationLink: string
  qrCodeUrl: string
  expiresAt: string
}

/** Pending push factors whose activation has not expired yet. */
export function pendingEnrollments (context: SimulatorContext, orgUrl: string): EnrollmentSummary[] {
  const now = context.clock.now()
  const waiting = [...context.state.factors.values()].filter((factor) => activationResult(factor, now) === 'WAITING')
  return waiting.flatMap((factor) => {
    const user = context.state.users.get(factor.userId)
    return user === undefined ? [] : [summarizeEnrollment(orgUrl, user, factor)]
  })
}

function summarizeEnrollment (orgUrl: string, user: SimUser, factor: SimFactor): EnrollmentSummary {
  const activation = factor.activation!
  return {
    userId: user.id,
    login: user.login,
    factorId: factor.id,
    activationToken: activation.token,
    activationLink: activationLink(orgUrl, factor, activation.token),
    qrCodeUrl: qrCodeUrl(orgUrl, factor, activation.token),
    expiresAt: isoTime(activation.expiresAt)
  }
}
