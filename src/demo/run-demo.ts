/**
 * The embedded demo behind `npm start` and `pushgate demo`: the Okta simulator with its phone
 * page, pushgate, and a small app that pushgate protects, all on 127.0.0.1 on separate ports.
 * The session cookie is host-only on 127.0.0.1, which browsers share across ports.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.ts'
import { parseConfigObject } from '../config/load.ts'
import { startSimulator, type RunningSimulator } from '../simulator/index.ts'
import { buildProtectedApp } from './protected-app.ts'

export const DEMO_HOST = '127.0.0.1'

/** The demo user: an ACTIVE Okta user with an ACTIVE Okta Verify push factor. */
export const DEMO_USER = {
  login: 'alice@example.com',
  email: 'alice@example.com',
  firstName: 'Alice',
  lastName: 'Example',
  groups: ['Engineering', 'Staging access'],
  pushFactor: 'active',
  deviceName: 'Alice\'s phone'
} as const

export interface DemoPorts {
  pushgate: number
  simulator: number
  app: number
}

/** Ports tried first; a port already in use is replaced by a free one. */
export const DEFAULT_DEMO_PORTS: DemoPorts = { pushgate: 9091, simulator: 9092, app: 9093 }

export interface RunningDemo {
  pushgateUrl: string
  appUrl: string
  simulator: RunningSimulator
  close: () => Promise<void>
}

/** Starts the simulator, pushgate and the protected app. */
export async function startDemo (options: { ports?: Partial<DemoPorts>, logLevel?: string } = {}): Promise<RunningDemo> {
  const ports = { ...DEFAULT_DEMO_PORTS, ...options.ports }
  const apiToken = randomBytes(24).toString('base64url')
  const simulator = await startSimulator({ apiToken, host: DEMO_HOST, port: await freePort(ports.simulator), users: [{ ...DEMO_USER, groups: [...DEMO_USER.groups] }] })

  const pushgatePort = await freePort(ports.pushgate)
  const appPort = await freePort(ports.app)
  const pushgateUrl = `http://${DEMO_HOST}:${pushgatePort}`
  const appUrl = `http://${DEMO_HOST}:${appPort}/`

  const config = parseConfigObject({
    server: { host: DEMO_HOST, port: pushgatePort },
    publicUrl: pushgateUrl,
    defaultRedirectUrl: appUrl,
    session: { secret: randomBytes(32).toString('base64url'), lifetime: '1h' },
    okta: { orgUrl: simulator.url, apiToken },
    users: [{ login: DEMO_USER.login }],
    log: { level: options.logLevel ?? 'warn' }
  }, 'the demo configuration', {})

  const pushgate = await buildApp({ config })
  await pushgate.listen({ host: DEMO_HOST, port: pushgatePort })
  const app: FastifyInstance = buildProtectedApp(new URL(pushgateUrl))
  await app.listen({ host: DEMO_HOST, port: appPort })

  return {
    pushgateUrl,
    appUrl,
    simulator,
    close: async () => {
      await app.close()
      await pushgate.close()
      await simulator.close()
    }
  }
}

/** Returns `preferred` when it is free on 127.0.0.1, else a free port the system picks. */
async function freePort (preferred: number): Promise<number> {
  const tryListen = async (port: number): Promise<number | undefined> => await new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(undefined) })
    server.listen(port, DEMO_HOST, () => {
      const address = server.address()
      const chosen = typeof address === 'object' && address !== null ? address.port : undefined
      server.close(() => { resolve(chosen) })
    })
  })
  return (await tryListen(preferred)) ?? (await tryListen(0)) ?? 0
}
