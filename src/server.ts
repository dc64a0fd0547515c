/**
 * Runs the gateway as a process: builds the app, listens, logs the start-up warnings, and closes
 * gracefully on SIGINT and SIGTERM (in-flight requests finish, new ones get 503).
 */
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppOptions } from './app.ts'
import { configWarnings } from './config/load.ts'

/** Graceful shutdown gives in-flight requests this long before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000

/** Builds the app for `options.config` and listens on server.host and server.port. */
export async function startServer (options: AppOptions): Promise<FastifyInstance> {
  const app = await buildApp(options)
  for (const warning of configWarnings(options.config)) app.log.warn(warning)

  const { host, port } = options.config.server
  await app.listen({ host, port })
  app.log.info({ publicUrl: options.config.publicUrl.href, users: options.config.users.length }, 'pushgate is ready')
  return app
}

/** Closes `app` on SIGINT or SIGTERM, forcing the exit after SHUTDOWN_GRACE_MS. */
export function closeOnSignals (app: FastifyInstance, onClosed: () => Promise<void> = async () => {}): void {
  let closing = false
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS)
    timer.unref()
    app.close().then(onClosed).then(() => process.exit(0), (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}
