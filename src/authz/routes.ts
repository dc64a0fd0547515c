/**
 * The two authz endpoints. A proxy sends every protected request's headers here and passes the
 * request on only on a 2xx.
 *
 * - `/authz/forward-auth` (Traefik, Caddy, HAProxy): the proxy returns any non-2xx response to the
 *   browser verbatim, so a browser navigation gets a 302/303 to the login page directly.
 * - `/authz/auth-request` (nginx auth_request): nginx turns any status other than 2xx, 401 and
 *   403 into a 500, so this endpoint never redirects; a browser navigation gets 401 with a
 *   Location header that the shipped nginx config turns into a redirect.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Gateway } from '../gateway.ts'
import { createLogThrottle, type LogThrottle } from '../http/log-throttle.ts'
import { decide, redirectStatus, type AuthzDecision } from './decide.ts'
import { forbiddenPage } from './forbidden-page.ts'
import { identityHeaders } from './identity-headers.ts'
import { isBrowserNavigation } from './navigation.ts'
import { readAuthRequestRequest, readForwardAuthRequest, type OriginalRequest } from './original-request.ts'

type Dialect = 'forward-auth' | 'auth-request'

/** Registers both authz endpoints. */
export async function authzRoutes (app: FastifyInstance, options: { gateway: Gateway }): Promise<void> {
  const { gateway } = options
  // Malformed requests come from a misconfigured proxy or an attack; either can send thousands.
  const throttle = createLogThrottle(10_000, gateway.clock)

  const handle = (dialect: Dialect) => async (request: FastifyRequest, reply: FastifyReply) => {
    const trusted = gateway.isTrustedProxy(request.socket.remoteAddress)
    const original = dialect === 'forward-auth'
      ? readForwardAuthRequest(request.headers, trusted)
      : readAuthRequestRequest(request.headers, trusted)
    if (!trusted) gateway.warnUntrustedForwarding(request)

    const decision = decide({
      original,
      session: await gateway.readSession(request),
      navigation: isBrowserNavigation(request.headers),
      isAllowedLogin: gateway.isAllowedLogin
    })
    logDecision(request, dialect, original, decision, throttle)

    reply.header('cache-control', 'no-store')
    return answer(reply, decision, dialect, gateway)
  }

  // Traefik v3.4+ with preserveRequestMethod and HAProxy's auth-intercept send the client's
  // method, and some proxies forward its body. The decision never depends on either, so every
  // method is accepted and no body is read (Node discards it once the response is sent).
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => { done(null) })
  for (const [url, dialect] of [['/authz/forward-auth', 'forward-auth'], ['/authz/auth-request', 'auth-request']] as const) {
    app.route({ method: AUTHZ_METHODS, url, handler: handle(dialect), exposeHeadRoute: false })
  }
}

const AUTHZ_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

function answer (reply: FastifyReply, decision: AuthzDecision, dialect: Dialect, gateway: Gateway): FastifyReply {
  switch (decision.outcome) {
    case 'allow':
      return reply.code(200).headers(identityHeaders(decision.session)).send()
    case 'forbidden': {
      // Traefik and Caddy show this body to the browser; nginx shows its own 403 page instead.
      if (decision.navigation && dialect === 'forward-auth') {
        return reply.code(403).type('text/html; charset=utf-8').send(forbiddenPage(decision.session.login, gateway.publicUrlFor('/logout').href))
      }
      return reply.code(403).send({ error: 'forbidden', message: `${decision.session.login} is signed in but not allowed here` })
    }
    case 'malformed':
      return reply.code(403).send({ error: 'invalid_forwarded_request', message: decision.reason })
    case 'sign-in': {
      const loginUrl = gateway.loginUrl(decision.target)
      if (decision.navigation && dialect === 'forward-auth') {
        return reply.code(redirectStatus(decision.method)).header('location', loginUrl).send()
      }
      if (decision.navigation) reply.header('location', loginUrl)
      return reply.code(401).send({ error: 'unauthorized', message: `Sign in at ${loginUrl}` })
    }
  }
}

function logDecision (request: FastifyRequest, dialect: Dialect, original: OriginalRequest, decision: AuthzDecision, throttle: LogThrottle): void {
  const host = original.kind === 'known' ? original.url.host : undefined
  switch (decision.outcome) {
    case 'allow':
      request.log.debug({ dialect, host, user: decision.session.login }, 'authz allowed')
      break
    case 'forbidden':
      request.log.info({ dialect, host, user: decision.session.login }, 'authz denied: user not in users')
      break
    case 'malformed': {
      const suppressed = throttle.admit(decision.reason)
      if (suppressed !== undefined) request.log.warn({ dialect, reason: decision.reason, suppressed }, 'authz denied: malformed forwarded request')
      break
    }
    case 'sign-in':
      request.log.debug({ dialect, host, navigation: decision.navigation }, 'authz: not signed in')
      break
  }
}
