/**
 * Sending a push (`POST …/verify`) and the transaction it creates: polling and cancelling.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { apiRoute } from './api-plugin.ts'
import { param, requireFactor, requirePush, requireUserById } from './api-lookup.ts'
import type { SimulatorContext } from './context.ts'
import { pushView } from './factor-views.ts'
import type { SimFactor, SimUser, UserStatus } from './model.ts'
import { malformedBody, validationFailed } from './okta-errors.ts'
import { cancelPush, createPush, refreshPush } from './pushes.ts'

const FACTOR_PATH = '/users/:userId/factors/:factorId'

/**
 * Statuses whose users can verify a factor. RECOVERY, LOCKED_OUT and PASSWORD_EXPIRED concern the
 * Okta password, which a push does not use.
 */
const VERIFIABLE_STATUSES: readonly UserStatus[] = ['ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED']

export function registerVerifyRoutes (api: FastifyInstance, context: SimulatorContext): void {
  apiRoute(api, `${FACTOR_PATH}/verify`, {
    POST: async (request, reply) => verify(context, request, reply)
  })

  apiRoute(api, `${FACTOR_PATH}/transactions/:transactionId`, {
    GET: async (request) => {
      const { user, factor } = loadFactor(context, request)
      const push = requirePush(context, factor, param(request, 'transactionId'))
      refreshPush(push, context.clock.now())
      return pushView(context.orgUrl(request), user, factor, push)
    },
    DELETE: async (request, reply) => {
      const { factor } = loadFactor(context, request)
      const push = requirePush(context, factor, param(request, 'transactionId'))
      cancelPush(push, context.clock.now())
      return reply.code(204).send()
    }
  })
}

function loadFactor (context: SimulatorContext, request: FastifyRequest): { user: SimUser, factor: SimFactor } {
  const user = requireUserById(context, param(request, 'userId'))
  return { user, factor: requireFactor(context, user, param(request, 'factorId')) }
}

/**
 * Sends a push and returns 201 with the WAITING transaction. A newer push leaves older WAITING
 * pushes of the same factor untouched; whoever sent them cancels them.
 */
function verify (context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const { user, factor } = loadFactor(context, request)
  const numberChallenge = readNumberChallenge(request.body)
  const userAgent = request.headers['user-agent'] ?? ''
  if (userAgent.trim() === '') {
    throw validationFailed('User-Agent', 'The User-Agent header is required to verify a push factor; send the end user\'s browser User-Agent.')
  }
  if (factor.status !== 'ACTIVE') {
    throw validationFailed('factor', `The factor is ${factor.status}; only an ACTIVE factor can be verified.`)
  }
  if (!VERIFIABLE_STATUSES.includes(user.status)) {
    throw validationFailed('user', `The user is ${user.status}; only users in ${VERIFIABLE_STATUSES.join(', ')} can verify a factor.`)
  }

  const push = createPush(context.state, {
    user,
    factor,
    numberChallenge,
    userAgent,
    clientIp: clientIpOf(request),
    now: context.clock.now(),
    lifetimeMs: context.settings.pushLifetimeMs
  })
  reply.code(201)
  return pushView(context.orgUrl(request), user, factor, push)
}

/** The body is optional; when present it must be an object, and `useNumberMatchingChallenge` a boolean. */
function readNumberChallenge (body: unknown): boolean {
  if (body === undefined || body === null) return false
  if (typeof body !== 'object' || Array.isArray(body)) throw malformedBody()

  const value = (body as Record<string, unknown>).useNumberMatchingChallenge
  if (value === undefined) return false
  if (typeof value !== 'boolean') {
    throw validationFailed('verifyRequest', `useNumberMatchingChallenge is ${JSON.stringify(value)}; it must be true or false.`)
  }
  return value
}

/**
 * Returns the end user's address: the first X-Forwarded-For entry, else the caller's own address. The
 * simulator trusts every caller as a proxy, as an org that lists the gateway as a trusted proxy does.
 */
function clientIpOf (request: FastifyRequest): string {
  const header = request.headers['x-forwarded-for']
  const forwarded = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim()
  return forwarded !== undefined && forwarded !== '' ? forwarded : request.socket.remoteAddress ?? ''
}
