/**
 * Logger options shared by the gateway and the CLI. Redaction paths are fixed here, once, so that
 * cookies, tokens and secrets never reach a log line, whatever a caller passes in.
 */
import type { PinoLoggerOptions } from 'fastify/types/logger.js'

/** Paths pino replaces with "[redacted]" in every log line. */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.apiToken',
  '*.secret',
  '*.secrets',
  '*.password',
  'apiToken',
  'secret',
  'cookie',
  'authorization'
]

/** Options for Fastify's built-in pino logger. Request lines carry method, URL path and address, never headers. */
export function loggerOptions (level: string): PinoLoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req (request) {
        return {
          method: request.method,
          url: stripQuery(request.url),
          remoteAddress: request.socket?.remoteAddress ?? ''
        }
      },
      res (reply) {
        return { statusCode: reply.statusCode }
      }
    }
  }
}

/**
 * Drops the query string: `rd` values and login hints do not belong in access logs, and a query
 * is the usual place for a token that someone pasted by mistake.
 */
export function stripQuery (url: string): string {
  const index = url.indexOf('?')
  return index === -1 ? url : url.slice(0, index)
}
