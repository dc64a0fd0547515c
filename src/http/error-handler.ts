/**
 * One error handler for every route. Client errors (4xx) show their message. Server errors show a
 * generic message and the full error goes to the log, so no stack trace reaches a browser. Each log
 * line's level follows who is at fault: the client at info, Okta trouble at warn, ours at error.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.ts'
import { errors, PushgateError } from '../errors.ts'
import { retryAfterSecondsOf } from '../security/retry-after.ts'
import { createLogThrottle, type LogThrottle } from './log-throttle.ts'

/** Rejected requests of one kind are logged at most once per this interval, in milliseconds. */
const REJECTION_LOG_INTERVAL_MS = 10_000

interface ErrorBody {
  error: string
  message: string
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers (app: FastifyInstance, clock: Clock): void {
  const throttle = createLogThrottle(REJECTION_LOG_INTERVAL_MS, clock)
  app.setErrorHandler((error: FastifyError | PushgateError, request, reply) => handleError(error, request, reply, throttle))
  app.setNotFoundHandler((request, reply) => {
    const suppressed = throttle.admit('not_found')
    if (suppressed !== undefined) request.log.info({ method: request.method, suppressed }, 'route not found')
    return reply.code(404).send({ error: 'not_found', message: 'Not found' } satisfies ErrorBody)
  })
}

function handleError (error: FastifyError | PushgateError, request: FastifyRequest, reply: FastifyReply, throttle: LogThrottle): FastifyReply {
  const statusCode = statusOf(error)
  const rawCode = error instanceof PushgateError ? error.code : error.code ?? 'PG_ERR_INTERNAL'
  // Schema validation of a login form is the catalogue's input error.
  const code = rawCode === 'FST_ERR_VALIDATION' ? errors.LOGIN_INPUT.code : rawCode
  const expose = error instanceof PushgateError ? error.expose : statusCode < 500

  if (statusCode < 500) {
    const suppressed = throttle.admit(code)
    if (suppressed !== undefined) request.log.info({ code, statusCode, message: error.message, suppressed }, 'request rejected')
  } else if (code.startsWith('PG_ERR_OKTA_') || code === 'PG_ERR_LOGIN_OKTA_UNAVAILABLE') {
    request.log.warn({ err: error.cause ?? error, statusCode }, 'request failed because of Okta')
  } else {
    request.log.error({ err: error, statusCode }, 'request failed')
  }

  // @fastify/csrf-protection's own errors (FST_CSRF_*) get the catalogue's wording.
  const csrf = code.startsWith('FST_CSRF')
  const message = csrf ? errors.LOGIN_CSRF.template : expose ? error.message : 'Something went wrong on our side. Try again in a moment.'
  const body: ErrorBody = { error: csrf ? errors.LOGIN_CSRF.code : code, message }
  if (statusCode === 429 || statusCode === 503) reply.header('retry-after', String(retryAfterSecondsOf(error)))
  return reply.code(statusCode).header('cache-control', 'no-store').send(body)
}

function statusOf (error: FastifyError | PushgateError): number {
  const status = error.statusCode
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500
}
