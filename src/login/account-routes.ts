/**
 * `/` (who is signed in, or the login page) and `/logout`. Logout works on GET as well as POST,
 * as in Authelia and oauth2-proxy, so a plain link can sign out. It only clears cookies, so a
 * forged request can do no more than sign someone out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { clientIpOf } from '../security/client-key.ts'
import { homePage } from './pages.ts'
import { sendLoginPage, type LoginRoutesOptions } from './routes.ts'

/** Registers `/` and `/logout`. */
export async function accountRoutes (app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { gateway, audit } = options

  app.get('/', async (request, reply) => {
    const { session } = await gateway.readSession(request)
    if (session === undefined) return await sendLoginPage(request, reply, undefined, options)

    const page = homePage({
      basePath: gateway.basePath,
      session,
      allowed: gateway.isAllowedLogin(session.login),
      nowMs: gateway.clock.now()
    })
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page)
  })

  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    const { session } = await gateway.readSession(request)
    if (session !== undefined) {
      audit.record('session_ended', { user: session.login, clientIp: clientIpOf(request), userAgent: request.headers['user-agent'] ?? '' })
    }
    reply.clearCookie(gateway.cookie.name, gateway.cookie.clearOptions)
    // A shared computer should not keep suggesting the last person's login.
    reply.clearCookie(options.cookies.loginName, options.cookies.options)

    const rd = (request.query as Record<string, unknown>).rd
    const target = gateway.redirects.check(rd) ?? gateway.publicUrlFor('/')
    return reply.header('cache-control', 'no-store').redirect(target.href, 303)
  }

  // No HEAD route: a link checker or prefetch sending HEAD must not sign anyone out.
  app.get('/logout', { exposeHeadRoute: false }, logout)
  app.post('/logout', logout)
}
