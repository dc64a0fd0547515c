/**
 * The Okta management API under /api/v1: the checks every request passes (Content-Length, API
 * token, rate limit, injected faults), Okta-shaped errors, and the route helper that returns 405.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import { checkAuthorization } from './auth.ts'
import type { SimulatorContext } from './context.ts'
import { newRequestId } from './ids.ts'
import { parseJsonBodies } from './json-body.ts'
import { malformedBody, OktaError, rateLimited } from './okta-errors.ts'
import type { BucketName, RateLimitStatus } from './rate-limit.ts'

/** Okta's 411 comes from its front end, not the API, so it is HTML rather than an Okta error body. */
const LENGTH_REQUIRED_PAGE = '<html><head><title>411 Length Required</title></head><body><h1>411 Length Required</h1></body></html>\n'

/** Routes whose requests count against the "get a user by id or login" bucket. */
const USER_BUCKET_ROUTES = new Set(['/api/v1/users/:idOrLogin'])

/** Registers the hooks and handlers that every /api/v1 route shares. Call inside the /api/v1 plugin. */
export function registerApiGuards (api: FastifyInstance, context: SimulatorContext): void {
  api.addHook('onRequest', async (request, reply) => {
    countRequest(context, request)
    reply.header('x-okta-request-id', newRequestId())
    if (lacksLength(request)) {
      return reply.code(411).type('text/html').send(LENGTH_REQUIRED_PAGE)
    }

    const now = context.clock.now()
    const bucket = bucketOf(request)
    const authError = checkAuthorization(request.headers.authorization, context.settings.apiToken)
    if (authError !== undefined) {
      setRateLimitHeaders(reply, context.rateLimiter.peek(bucket, now))
      throw authError
    }

    const limit = context.rateLimiter.take(bucket, now)
    setRateLimitHeaders(reply, limit)
    if (limit.exceeded) throw rateLimited()

    const fault = context.faults.take(request.url)
    if (fault !== undefined) await context.faults.apply(fault, request, reply, now)
    return undefined
  })

  parseJsonBodies(api, {
    malformed: malformedBody,
    unsupportedType: (contentType) => new OktaError(415, 'E0000003', 'The request body was not well-formed.', [`Content-Type is ${JSON.stringify(contentType)}; send the body as application/json.`])
  })
  api.setErrorHandler(sendApiError)
  api.setNotFoundHandler(async (request) => {
    const path = request.url.split('?')[0] ?? request.url
    throw new OktaError(404, 'E0000007', `Not found: Resource not found: ${path}`)
  })
}

function countRequest (context: SimulatorContext, request: FastifyRequest): void {
  const requests = context.state.stats.requests
  const key = `${request.method} ${request.routeOptions.url ?? '(no route)'}`
  requests.total++
  requests.byRoute[key] = (requests.byRoute[key] ?? 0) + 1
}

/** Returns true for a POST, PUT or PATCH with neither Content-Length nor a chunked body, which Okta rejects with 411. */
function lacksLength (request: FastifyRequest): boolean {
  if (!['POST', 'PUT', 'PATCH'].includes(request.method)) return false
  return request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined
}

function bucketOf (request: FastifyRequest): BucketName {
  const route = request.routeOptions.url
  return request.method === 'GET' && route !== undefined && USER_BUCKET_ROUTES.has(route) ? 'users' : 'other'
}

/** Sets the `X-Rate-Limit-*` headers; the reset time is in UTC epoch seconds. */
export function setRateLimitHeaders (reply: FastifyReply, status: RateLimitStatus): void {
  reply.header('x-rate-limit-limit', status.limit)
  reply.header('x-rate-limit-remaining', status.exceeded ? 0 : status.remaining)
  reply.header('x-rate-limit-reset', status.resetSeconds)
}

function sendApiError (error: FastifyError | OktaError, request: FastifyRequest, reply: FastifyReply): void {
  const oktaError = toOktaError(error)
  if (!(error instanceof OktaError) && oktaError.statusCode >= 500) {
    request.log.error({ err: error }, 'simulator API route failed')
  }
  reply.code(oktaError.statusCode).send(oktaError.toBody())
}

/** Maps Fastify's own errors (body parsing above all) to the Okta error a client would see. */
function toOktaError (error: FastifyError | OktaError): OktaError {
  if (error instanceof OktaError) return error

  const statusCode = error.statusCode ?? 500
  const bodyProblem = error instanceof SyntaxError || (error.code ?? '').startsWith('FST_ERR_CTP_')
  if (bodyProblem && statusCode < 500) return new OktaError(statusCode, 'E0000003', 'The request body was not well-formed.')
  if (statusCode < 500) return new OktaError(statusCode, 'E0000001', 'Api validation failed')
  return new OktaError(500, 'E0000009', 'Internal Server Error')
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'
const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']

/**
 * Registers `handlers` on `url`, and a handler for every other method that returns 405 E0000022
 * with an Allow header. HEAD follows GET, as Fastify adds it.
 */
export function apiRoute (api: FastifyInstance, url: string, handlers: Partial<Record<Method, RouteHandlerMethod>>): void {
  const allowed = METHODS.filter((method) => handlers[method] !== undefined)
  for (const method of allowed) api.route({ method, url, handler: handlers[method]! })

  const others = METHODS.filter((method) => handlers[method] === undefined)
  api.route({
    method: others,
    url,
    handler: async (_request, reply) => {
      reply.header('allow', allowed.join(', '))
      throw new OktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method')
    }
  })
}
