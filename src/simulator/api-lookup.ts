/**
 * Lookups shared by the API routes. Each throws Okta's 404 E0000007 when the resource is missing.
 */
import type { FastifyRequest } from 'fastify'
import type { SimulatorContext } from './context.ts'
import type { PushTransaction, SimFactor, SimUser } from './model.ts'
import { notFound } from './okta-errors.ts'
import { findUser } from './users.ts'

/** Returns the path parameter `name`, decoded by the router. */
export function param (request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string | undefined>)[name] ?? ''
}

/** Returns the user named by id, login, short login or `me`, as `GET /api/v1/users/{idOrLogin}` accepts. */
export function requireUser (context: SimulatorContext, idOrLogin: string): SimUser {
  const user = findUser(context.state, idOrLogin)
  if (user === undefined) throw notFound(idOrLogin, 'User')
  return user
}

/**
 * Returns the user with id `userId`. The factor routes take only the user id, and a login there
 * gets 404, so clients learn to resolve the id first.
 */
export function requireUserById (context: SimulatorContext, userId: string): SimUser {
  const user = context.state.users.get(userId)
  if (user === undefined) throw notFound(userId, 'User')
  return user
}

export function requireFactor (context: SimulatorContext, user: SimUser, factorId: string): SimFactor {
  const factor = context.state.factors.get(factorId)
  if (factor === undefined || factor.userId !== user.id) throw notFound(factorId, 'UserFactor')
  return factor
}

export function requirePush (context: SimulatorContext, factor: SimFactor, transactionId: string): PushTransaction {
  const push = context.state.pushes.get(transactionId)
  if (push === undefined || push.factorId !== factor.id) throw notFound(transactionId, 'Transaction')
  return push
}
