/**
 * `/healthz` says the process serves requests; `/readyz` says it can also sign people in: the
 * configuration is loaded (it always is once the app runs) and Okta answered recently. Existing
 * sessions keep working while Okta is down, so a container orchestrator should restart on
 * /healthz only and use /readyz for routing and alerts.
 */
import type { FastifyInstance } from 'fastify'
import type { Clock } from '../clock.ts'

/** Okta counts as reachable for this long after any successful call. */
export const OKTA_RECENT_MS = 5 * 60_000

/** Readiness probes reuse one Okta check for this long, so probes cannot flood Okta. */
const PROBE_CACHE_MS = 10_000

export interface OktaReadiness {
  /** When the last Okta call succeeded, in ms since the epoch; undefined before any. */
  readonly lastSuccessAt: number | undefined
  ping: () => Promise<void>
}

/** Registers /healthz and /readyz. */
export async function healthRoutes (app: FastifyInstance, options: { okta: OktaReadiness, clock: Clock }): Promise<void> {
  const { okta, clock } = options
  let probe: { atMs: number, result: Promise<boolean> } | undefined

  const oktaReachable = async (): Promise<boolean> => {
    const now = clock.now()
    if (okta.lastSuccessAt !== undefined && now - okta.lastSuccessAt < OKTA_RECENT_MS) return true
    if (probe === undefined || now - probe.atMs >= PROBE_CACHE_MS) {
      probe = { atMs: now, result: okta.ping().then(() => true, () => false) }
    }
    return await probe.result
  }

  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    return reply.header('cache-control', 'no-store').send({ status: 'ok' })
  })

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const reachable = await oktaReachable()
    reply.header('cache-control', 'no-store')
    if (reachable) return reply.send({ status: 'ready', okta: 'reachable' })
    return reply.code(503).send({ status: 'not ready', okta: 'unreachable' })
  })
}
