/**
 * Listing, reading, enrolling and deleting a user's push factor.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { apiRoute } from './api-plugin.ts'
import { param, requireFactor, requireUserById } from './api-lookup.ts'
import type { SimulatorContext } from './context.ts'
import { factorView, enrollmentView } from './factor-views.ts'
import { addPendingFactor, pushFactorOf, startActivation } from './factors.ts'
import { newFactorId } from './ids.ts'
import { malformedBody, validationFailed } from './okta-errors.ts'

export function registerFactorRoutes (api: FastifyInstance, context: SimulatorContext): void {
  apiRoute(api, '/users/:userId/factors', {
    GET: async (request) => {
      const user = requireUserById(context, param(request, 'userId'))
      const factor = pushFactorOf(context.state, user.id)
      return factor === undefined ? [] : [factorView(context.orgUrl(request), user, factor)]
    },
    POST: async (request) => enrollPush(context, request)
  })

  apiRoute(api, '/users/:userId/factors/:factorId', {
    GET: async (request) => {
      const user = requireUserById(context, param(request, 'userId'))
      const factor = requireFactor(context, user, param(request, 'factorId'))
      return factorView(context.orgUrl(request), user, factor)
    },
    DELETE: async (request, reply) => {
      const user = requireUserById(context, param(request, 'userId'))
      const factor = requireFactor(context, user, param(request, 'factorId'))
      context.state.factors.delete(factor.id)
      return reply.code(204).send()
    }
  })
}

/**
 * Enrolls Okta Verify push and returns 200 with the factor in PENDING_ACTIVATION. Enrolling again
 * while the factor is still pending restarts its activation under the same factor id; enrolling
 * when push is ACTIVE fails, with the cause Okta's docs show for other factor types.
 */
function enrollPush (context: SimulatorContext, request: FastifyRequest): Record<string, unknown> {
  const user = requireUserById(context, param(request, 'userId'))
  checkEnrollRequest(request.body)

  const now = context.clock.now()
  const existing = pushFactorOf(context.state, user.id)
  if (existing?.status === 'ACTIVE') throw validationFailed('factorEnrollRequest', 'A factor of this type is already set up.')

  const factor = existing ?? addPendingFactor(context.state, user.id, newFactorId(), now)
  startActivation(factor, now, context.settings.activationLifetimeMs)
  return enrollmentView(context.orgUrl(request), user, factor)
}

function checkEnrollRequest (body: unknown): void {
  if (body === undefined || body === null) {
    throw validationFailed('factorEnrollRequest', 'factorType: The field cannot be left blank.')
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw malformedBody()

  const { factorType, provider } = body as Record<string, unknown>
  if (factorType === undefined) throw validationFailed('factorEnrollRequest', 'factorType: The field cannot be left blank.')
  if (factorType !== 'push' || (provider !== undefined && provider !== 'OKTA')) {
    throw validationFailed('factorEnrollRequest', `The simulator enrolls only factorType "push" with provider "OKTA", not ${JSON.stringify(factorType)} from ${JSON.stringify(provider ?? 'OKTA')}.`)
  }
}
