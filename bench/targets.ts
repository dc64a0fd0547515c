/**
 * The servers the authz benchmark measures, in a process of their own so the load generator does
 * not share their event loop: a bare Fastify route that responds like an allowed authz check (the
 * baseline), the same route with pushgate's logger settings, and pushgate. Prints one JSON line with their URLs and a valid session cookie.
 */
import Fastify from 'fastify'
import { buildApp } from '../src/app.ts'
import { parseConfigObject } from '../src/config/load.ts'
import { loggerOptions } from '../src/log.ts'
import { SessionSealer } from '../src/session/sealer.ts'

const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz'

/** Starts a route that responds like an allowed authz check, with nothing behind it. */
async function bareServer (logger: boolean) {
  const app = Fastify({ logger: logger ? loggerOptions('warn') : false })
  app.get('/authz', async (_request, reply) => {
    return reply.headers({
      'cache-control': 'no-store',
      'remote-user': 'alice@example.com',
      'remote-email': 'alice@example.com',
      'remote-name': 'Alice Example',
      'remote-groups': 'Engineering,Staging access'
    }).send()
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return app
}
const bare = await bareServer(false)
const bareLogged = await bareServer(true)

const config = parseConfigObject({
  server: { host: '127.0.0.1', port: 0 },
  publicUrl: 'https://auth.example.test',
  session: { cookieDomain: 'example.test', secret: SECRET },
  // Authz checks never call Okta; the org URL only has to be valid.
  okta: { orgUrl: 'http://127.0.0.1:9', apiToken: 'unused' },
  users: [{ login: 'alice@example.com' }],
  log: { level: 'warn' }
}, 'the benchmark configuration', {})
const pushgate = await buildApp({ config })
await pushgate.listen({ host: '127.0.0.1', port: 0 })

const sealer = new SessionSealer({ secrets: config.session.secrets, lifetimeMs: config.session.lifetimeMs, clock: { now: () => Date.now() } })
const { session } = sealer.createSession({ login: 'alice@example.com', email: 'alice@example.com', name: 'Alice Example', groups: ['Engineering', 'Staging access'] })

const address = (app: { server: { address: () => unknown } }): string => {
  const info = app.server.address() as { port: number } | null
  return info === null ? '' : `http://127.0.0.1:${info.port}`
}
process.stdout.write(JSON.stringify({
  bare: address(bare),
  bareLogged: address(bareLogged),
  pushgate: address(pushgate),
  cookie: `${config.session.cookieName}=${await sealer.seal(session)}`
}) + '\n')
