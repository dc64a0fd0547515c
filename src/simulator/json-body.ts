/**
 * Body parsing for the API and the control API. An empty body is no body, whatever its
 * Content-Type: clients such as Okta's SDKs send `Content-Type: application/json` on every request,
 * including a body-less POST with `Content-Length: 0`.
 */
import type { FastifyInstance } from 'fastify'

export interface JsonBodyErrors {
  /** The body is not valid JSON. */
  malformed: () => Error
  /** The body is not empty and its Content-Type is not JSON; undefined accepts any type. */
  unsupportedType?: (contentType: string) => Error
}

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\s*(?:;|$)/i

/** Replaces the instance's body parsers with one that reads JSON and leaves empty bodies undefined. */
export function parseJsonBodies (instance: FastifyInstance, errors: JsonBodyErrors): void {
  instance.removeAllContentTypeParsers()
  instance.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8')
    if (text.trim() === '') return done(null, undefined)

    const contentType = request.headers['content-type'] ?? ''
    if (errors.unsupportedType !== undefined && !JSON_TYPE.test(contentType)) return done(errors.unsupportedType(contentType), undefined)
    try {
      done(null, JSON.parse(text))
    } catch {
      done(errors.malformed(), undefined)
    }
  })
}
