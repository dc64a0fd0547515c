/**
 * One error handler for every route. Client errors (4xx) show their message. Server errors show a
 * generic message and the full error goes to the log, so no stack trace reaches a browser. Each log
 * line's level follows who is at fault: the client at info, Okta trouble at warn, ours at error.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errors, PushgateError } from '../errors.ts'
import { retryAfterSecondsOf } from '../security/retry-after.ts'

interface ErrorBody {
  error: string
  message: string
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler(handleError)
  app.setNotFoundHandler((request, reply) => {
    request.log.info({ method: request.method }, 'route not found')
    return reply.code(404).send({ error: 'not_found', message: 'Not found' } satisfies ErrorBody)
  })
}

function handleError (error: FastifyError | PushgateError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const statusCode = statusOf(error)
  const code = error instanceof PushgateError ? error.code : error.code ?? 'PG_ERR_INTERNAL'
  const expose = error instanceof PushgateError ? error.expose : statusCode < 500

  if (statusCode < 500) {
    request.log.info({ code, statusCode, message: error.message }, 'request rejected')
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
