/**
 * The login page and the JSON routes its script calls: start a push, follow it, cancel it.
 * Starting and cancelling are protected against cross-site requests twice: the Origin (or
 * Referer) must be pushgate's own, and the CSRF token must match the browser's CSRF cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createError, PushgateError } from '../errors.ts'
import type { AuditLog } from '../security/audit.ts'
import type { Gateway } from '../gateway.ts'
import type { LoginLimits } from '../security/login-limits.ts'
import { clientIpOf } from '../security/client-key.ts'
import { withRetryAfter } from '../security/retry-after.ts'
import { isSameOriginRequest } from '../security/same-origin.ts'
import type { BrowserCookies } from './browser-cookies.ts'
import { loginPage } from './pages.ts'
import type { PushService } from './push-service.ts'
import { toView } from './view.ts'

export interface LoginRoutesOptions {
  gateway: Gateway
  pushes: PushService
  limits: LoginLimits
  cookies: BrowserCookies
  audit: AuditLog
}

const pushBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    login: { type: 'string', maxLength: 256 },
    rd: { type: 'string', maxLength: 4096 }
  }
} as const

/** Registers /login, /login/push, /login/status and /login/cancel. */
export async function loginRoutes (app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { gateway, pushes, limits, cookies } = options

  const checkOrigin = async (request: FastifyRequest): Promise<void> => {
    if (!isSameOriginRequest(request.headers, gateway.config.publicUrl.origin)) {
      request.log.info({ origin: request.headers.origin }, 'cross-site request to a login route rejected')
      throw createError('LOGIN_CSRF')
    }
  }

  app.get('/login', async (request, reply) => {
    const rd = (request.query as Record<string, unknown>).rd
    const session = await gateway.readSession(request)
    if (session.session !== undefined && gateway.isAllowedLogin(session.session.login)) {
      return reply.redirect(gateway.redirects.resolve(rd).href, 302)
    }
    return await sendLoginPage(request, reply, rd, options)
  })

  app.post('/login/push', {
    schema: { body: pushBodySchema },
    onRequest: [checkOrigin, app.csrfProtection]
  }, async (request, reply) => {
    const body = request.body as { login?: string, rd?: string }
    const previousBrowserId = cookies.flowId(request)
    if (previousBrowserId === undefined) throw createError('LOGIN_CSRF')

    // Every push gets a new flow id, so an id planted in the browser beforehand cannot claim it.
    const browserId = cookies.createFlowId()
    const pending = await pushes.start({
      browserId,
      previousBrowserId,
      login: body.login,
      clientIp: clientIpOf(request),
      userAgent: request.headers['user-agent'] ?? '',
      target: gateway.redirects.resolve(body.rd).href
    }).catch((error: unknown) => { throw explainOktaTrouble(error, gateway.clock.now()) })
    cookies.setFlowId(reply, browserId)
    if (gateway.config.users.length > 1) cookies.rememberLogin(reply, pending.login)
    return reply.header('cache-control', 'no-store').send(toView(pending, gateway.clock.now(), gateway.config.users.length > 1))
  })

  app.get('/login/status', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const verdict = await limits.checkStatusPoll(clientIpOf(request))
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil((verdict.retryAtMs - gateway.clock.now()) / 1000))
      throw withRetryAfter(createError('LOGIN_RATE_LIMITED', [`${seconds} seconds`]), verdict.retryAtMs, gateway.clock.now())
    }

    const browserId = cookies.flowId(request)
    const pending = browserId === undefined ? undefined : await pushes.status(browserId)
    if (browserId === undefined || pending === undefined) throw createError('LOGIN_NO_PENDING')

    const view = toView(pending, gateway.clock.now(), gateway.config.users.length > 1)
    if (pending.state === 'approved') await startSession(request, reply, browserId, options)
    return reply.send(view)
  })

  app.post('/login/cancel', { onRequest: [checkOrigin, app.csrfProtection] }, async (request, reply) => {
    const browserId = cookies.flowId(request)
    const pending = browserId === undefined ? undefined : await pushes.cancel(browserId)
    if (pending === undefined) throw createError('LOGIN_NO_PENDING')
    return reply.header('cache-control', 'no-store').send(toView(pending, gateway.clock.now(), gateway.config.users.length > 1))
  })
}

/** Renders the login page for `rd`, setting the flow and CSRF cookies. */
export async function sendLoginPage (request: FastifyRequest, reply: FastifyReply, rd: unknown, options: LoginRoutesOptions): Promise<FastifyReply> {
  const { gateway, cookies, pushes } = options
  const flowId = cookies.ensureFlowId(request, reply)
  const target = gateway.redirects.resolve(rd)
  const page = loginPage({
    resume: pushes.isWaiting(flowId),
    basePath: gateway.basePath,
    csrfToken: reply.generateCsrf(),
    targetHost: target.host,
    target: target.href,
    askForLogin: gateway.config.users.length > 1,
    rememberedLogin: cookies.rememberedLogin(request)
  })
  return reply.type('text/html; charset=utf-8').send(page)
}

/** Seals a new session for the approved login of `browserId` and sets the cookie. */
async function startSession (request: FastifyRequest, reply: FastifyReply, browserId: string, options: LoginRoutesOptions): Promise<void> {
  const { gateway, pushes } = options
  const identity = await pushes.claim(browserId)
  if (identity === undefined) throw createError('LOGIN_NO_PENDING')

  const { session, groupsTruncated } = gateway.sealer.createSession(identity)
  if (groupsTruncated) {
    request.log.warn({ user: identity.login, groups: identity.groups.length, kept: session.groups.length }, 'too many Okta groups for the session cookie; Remote-Groups lists only the first ones')
  }
  reply.setCookie(gateway.cookie.name, await gateway.sealer.seal(session), gateway.cookie.setOptions)
  options.audit.record('session_started', { user: identity.login, clientIp: clientIpOf(request), userAgent: request.headers['user-agent'] ?? '' })
}

/**
 * Turns an Okta outage or rate limit into a 503 the login page can show. The original error stays
 * as the cause, for the log.
 */
function explainOktaTrouble (error: unknown, nowMs: number): unknown {
  if (!(error instanceof PushgateError) || !error.code.startsWith('PG_ERR_OKTA_')) return error
  if (error.code === 'PG_ERR_OKTA_RATE_LIMITED') {
    const retryAt = (error as { retryAt?: unknown }).retryAt
    const seconds = typeof retryAt === 'number' ? Math.max(1, Math.ceil((retryAt - nowMs) / 1000)) : 60
    const unavailable = createError('LOGIN_OKTA_UNAVAILABLE', [`Okta is limiting requests right now. Try again in ${seconds} seconds.`], { cause: error })
    return withRetryAfter(unavailable, nowMs + seconds * 1000, nowMs)
  }
  return createError('LOGIN_OKTA_UNAVAILABLE', ['Okta cannot be reached right now, so no push was sent. Sites you are already signed in to keep working. Try again in a minute.'], { cause: error })
}
