/**
 * Builds the pushgate application: a Fastify instance with every route under publicUrl's path.
 * It starts no process and opens no port; src/server.ts does that, and tests call buildApp
 * directly and listen on port 0.
 */
import cookie from '@fastify/cookie'
import csrfProtection from '@fastify/csrf-protection'
import formbody from '@fastify/formbody'
import Fastify, { LogController, type FastifyInstance, type FastifyLoggerOptions } from 'fastify'
import type { PinoLoggerOptions } from 'fastify/types/logger.js'
import { authzRoutes } from './authz/routes.ts'
import { systemClock, type Clock } from './clock.ts'
import type { Config } from './config/schema.ts'
import { createGateway } from './gateway.ts'
import { healthRoutes } from './health/routes.ts'
import { installErrorHandlers } from './http/error-handler.ts'
import { registerPageSecurity } from './http/page-security.ts'
import { loggerOptions } from './log.ts'
import { accountRoutes } from './login/account-routes.ts'
import { assetRoutes } from './login/asset-routes.ts'
import { browserCookies } from './login/browser-cookies.ts'
import { PendingStore } from './login/pending-store.ts'
import { PushService } from './login/push-service.ts'
import { loginRoutes, type LoginRoutesOptions } from './login/routes.ts'
import { OktaClient } from './okta/client.ts'
import { createAuditLog } from './security/audit.ts'
import { MemoryCounterStore, type CounterStore } from './security/counter-store.ts'
import { LoginLimits } from './security/login-limits.ts'

export interface AppOptions {
  config: Config
  clock?: Clock
  /** Defaults to an OktaClient for config.okta. */
  okta?: OktaClient
  /** Defaults to an in-memory store (one instance). */
  counterStore?: CounterStore
  /** A pino destination stream, for tests that read the log. */
  logStream?: NodeJS.WritableStream
  /** Floor of a push start's response time in milliseconds; see PushServiceOptions. */
  minPushStartMs?: number
}

/** Time limit for receiving one whole request, in milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000

/** Request bodies above this size are rejected: the largest legitimate one is a login form. */
const BODY_LIMIT_BYTES = 16 * 1024

/** Builds the app for `options.config`, ready to listen. */
export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const clock = options.clock ?? systemClock
  const logger: FastifyLoggerOptions & PinoLoggerOptions = loggerOptions(config.log.level)
  if (options.logStream !== undefined) logger.stream = options.logStream

  const app = Fastify({
    logger,
    trustProxy: config.server.trustedProxies,
    bodyLimit: BODY_LIMIT_BYTES,
    // logAccess below writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // A client must send its whole request within this time, so slow senders cannot hold
    // connections open forever (Fastify's default is no limit). Milliseconds.
    requestTimeout: REQUEST_TIMEOUT_MS,
    return503OnClosing: true
  })
  installErrorHandlers(app, clock)

  const gateway = createGateway(config, clock, app.log)
  const okta = options.okta ?? new OktaClient({
    orgUrl: config.okta.orgUrl,
    apiToken: config.okta.apiToken,
    timeoutMs: config.okta.requestTimeoutMs,
    clock,
    logger: app.log
  })
  const limits = new LoginLimits(options.counterStore ?? new MemoryCounterStore(clock), config.limits)
  const audit = createAuditLog(app.log)
  const cookies = browserCookies(gateway)
  const pushes = new PushService({
    config,
    clock,
    okta,
    store: new PendingStore(clock),
    limits,
    audit,
    log: app.log,
    ...(options.minPushStartMs === undefined ? {} : { minPushStartMs: options.minPushStartMs })
  })
  const loginOptions: LoginRoutesOptions = { gateway, pushes, limits, cookies, audit }

  // The authz routes run for every request the proxy handles, so they get no plugins or hooks:
  // they read the one cookie they need themselves (gateway.readSession). Cookie parsing, form
  // bodies, CSRF and access logs belong to the pages.
  const debugEnabled = config.log.level === 'debug' || config.log.level === 'trace'
  await app.register(async (scoped) => {
    if (debugEnabled) logAccess(scoped, true)
    await scoped.register(authzRoutes, { gateway })
    await scoped.register(healthRoutes, { okta, clock })
    await scoped.register(async (pages) => {
      await pages.register(cookie)
      await pages.register(formbody)
      await pages.register(csrfProtection, {
        sessionPlugin: '@fastify/cookie',
        cookieKey: cookies.csrfName,
        cookieOpts: cookies.options,
        getToken: (request) => headerValue(request.headers['x-csrf-token'])
      })
      if (!debugEnabled) logAccess(pages, false)
      await registerPageSecurity(pages, gateway)
      await pages.register(assetRoutes)
      await pages.register(loginRoutes, loginOptions)
      await pages.register(accountRoutes, loginOptions)
    })
  }, { prefix: gateway.basePath })

  return app
}

function headerValue (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * Logs one line per finished request, without headers or query strings. Authz checks and probes
 * log at debug, because they arrive for every request the proxy handles.
 */
function logAccess (app: FastifyInstance, debugEnabled: boolean): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.routeOptions.url ?? 'unknown route'
    const quiet = path.includes('/authz/') || path.endsWith('/healthz') || path.endsWith('/readyz') || path.includes('/assets/')
    if (quiet && !debugEnabled) return
    const line = { method: request.method, route: path, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }
    if (quiet) request.log.debug(line, 'request finished')
    else request.log.info(line, 'request finished')
  })
}
