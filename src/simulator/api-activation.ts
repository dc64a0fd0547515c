/**
 * Activating an enrolled push factor: the activate and poll operations, sending the activation link
 * by email or SMS, and the QR code image.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { apiRoute, setRateLimitHeaders } from './api-plugin.ts'
import { param, requireFactor, requireUserById } from './api-lookup.ts'
import type { SimulatorContext } from './context.ts'
import { activationTimeoutView, activationWaitingView, factorView } from './factor-views.ts'
import { activationResult, startActivation } from './factors.ts'
import { newMessageId } from './ids.ts'
import type { OutboxMessage, SimFactor, SimUser } from './model.ts'
import { notFound, rateLimited, validationFailed } from './okta-errors.ts'
import { activationLink, renderQrPng } from './qr.ts'
import { takeActivationAttempt } from './rate-limit.ts'

type Json = Record<string, unknown>

const FACTOR_PATH = '/users/:userId/factors/:factorId'

export function registerActivationRoutes (api: FastifyInstance, context: SimulatorContext): void {
  apiRoute(api, `${FACTOR_PATH}/lifecycle/activate`, {
    POST: async (request, reply) => activate(context, request, reply)
  })
  apiRoute(api, `${FACTOR_PATH}/lifecycle/activate/poll`, {
    POST: async (request) => pollActivation(context, request)
  })
  for (const channel of ['email', 'sms'] as const) {
    apiRoute(api, `${FACTOR_PATH}/lifecycle/activate/${channel}`, {
      POST: async (request, reply) => sendActivation(context, request, reply, channel)
    })
  }
  apiRoute(api, `${FACTOR_PATH}/qr/:token`, {
    GET: async (request, reply) => {
      const { factor } = loadFactor(context, request)
      const token = param(request, 'token')
      const live = factor.activation?.token === token && activationResult(factor, context.clock.now()) === 'WAITING'
      if (!live) throw notFound(token, 'ActivationToken')

      const png = await renderQrPng(activationLink(context.orgUrl(request), factor, token))
      return reply.type('image/png').header('cache-control', 'no-store').send(png)
    }
  })
}

function loadFactor (context: SimulatorContext, request: FastifyRequest): { user: SimUser, factor: SimFactor } {
  const user = requireUserById(context, param(request, 'userId'))
  return { user, factor: requireFactor(context, user, param(request, 'factorId')) }
}

/** Returns the activation's state without counting an attempt: the ACTIVE factor, WAITING or TIMEOUT. */
function pollActivation (context: SimulatorContext, request: FastifyRequest): Json {
  const { user, factor } = loadFactor(context, request)
  const orgUrl = context.orgUrl(request)
  const result = activationResult(factor, context.clock.now())
  if (result === 'ACTIVE') return factorView(orgUrl, user, factor)
  if (result === 'TIMEOUT') return activationTimeoutView(orgUrl, factor)
  return activationWaitingView(orgUrl, factor)
}

/**
 * Handles the activate operation. On a pending factor it counts as an activation attempt (5 per 5 minutes)
 * and starts a new activation once the last one has expired.
 */
function activate (context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Json {
  const { user, factor } = loadFactor(context, request)
  const orgUrl = context.orgUrl(request)
  const now = context.clock.now()
  if (factor.status === 'ACTIVE') return factorView(orgUrl, user, factor)

  countActivationAttempt(factor, reply, now)
  if (activationResult(factor, now) === 'TIMEOUT') startActivation(factor, now, context.settings.activationLifetimeMs)
  return activationWaitingView(orgUrl, factor)
}

function countActivationAttempt (factor: SimFactor, reply: FastifyReply, now: number): void {
  const attempt = takeActivationAttempt(factor, now)
  if (!attempt.exceeded) return

  setRateLimitHeaders(reply, attempt)
  throw rateLimited()
}

/**
 * Sends the activation link by email or SMS: the message is stored for `GET /_sim/emails` or
 * `GET /_sim/sms`, and nothing leaves the simulator. An SMS needs `profile.phoneNumber`.
 */
function sendActivation (context: SimulatorContext, request: FastifyRequest, reply: FastifyReply, channel: 'email' | 'sms'): Json {
  const { user, factor } = loadFactor(context, request)
  const now = context.clock.now()
  if (factor.status === 'ACTIVE') throw validationFailed('factor', 'The factor is already active; there is nothing to activate.')

  const to = channel === 'email' ? user.email : phoneNumberOf(request.body)
  countActivationAttempt(factor, reply, now)
  if (activationResult(factor, now) === 'TIMEOUT') startActivation(factor, now, context.settings.activationLifetimeMs)

  const orgUrl = context.orgUrl(request)
  const message: OutboxMessage = {
    id: newMessageId(),
    channel,
    to,
    userId: user.id,
    login: user.login,
    factorId: factor.id,
    subject: 'Activate Okta Verify',
    activationLink: activationLink(orgUrl, factor, factor.activation!.token),
    sentAt: now
  }
  context.state.outbox.push(message)
  return activationWaitingView(orgUrl, factor)
}

function phoneNumberOf (body: unknown): string {
  const profile = (body as { profile?: { phoneNumber?: unknown } } | undefined)?.profile
  const phoneNumber = profile?.phoneNumber
  if (typeof phoneNumber !== 'string' || phoneNumber.trim() === '') {
    throw validationFailed('factorEnrollRequest', 'phoneNumber: The field cannot be left blank.')
  }
  return phoneNumber
}
