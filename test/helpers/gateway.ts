/**
 * Starts the Okta simulator and pushgate on 127.0.0.1 port 0 for one test, and closes both when
 * the test ends. Tests talk to both over real HTTP.
 */
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import type { Clock } from '../../src/clock.ts'
import { parseConfigObject } from '../../src/config/load.ts'
import type { Config } from '../../src/config/schema.ts'
import type { CounterStore } from '../../src/security/counter-store.ts'
import { startSimulator, type RunningSimulator, type SimulatedUserInput, type SimulatorOptions } from '../../src/simulator/index.ts'
import { SimulatorControl } from './simulator-control.ts'

/** The smallest piece of tap's Test that the helpers need: registering cleanup. */
export interface Teardown {
  teardown: (fn: () => unknown) => void
}

export const ALICE: SimulatedUserInput = {
  login: 'alice@example.com',
  firstName: 'Alice',
  lastName: 'Example',
  groups: ['Engineering', 'Staging access'],
  pushFactor: 'active'
}

export interface GatewayOptions {
  /** Users in the simulator. Default: ALICE. */
  oktaUsers?: SimulatedUserInput[]
  /** Logins in pushgate's `users`. Default: every simulator user's login. */
  logins?: string[]
  /** Raw configuration merged over the defaults (top-level keys replace, nested objects merge one level). */
  config?: Record<string, unknown>
  clock?: Clock
  counterStore?: CounterStore
  simulator?: Partial<SimulatorOptions>
  /**
   * Floor of a push start's response time. Default 0, so tests that do not measure timing do not
   * wait; the production default is MIN_PUSH_START_MS.
   */
  minPushStartMs?: number
  /** When set, pushgate listens on this exact port (publicUrl needs it before listen). */
  publicUrl?: (port: number) => string
}

export interface RunningGateway {
  /** pushgate's base URL, such as http://127.0.0.1:41234 */
  url: string
  config: Config
  app: FastifyInstance
  simulator: RunningSimulator
  sim: SimulatorControl
  /** Every log line pushgate wrote, as parsed JSON. */
  logs: Array<Record<string, unknown>>
  /** Every log line as raw text, for checks that no secret appears anywhere. */
  rawLog: () => string
  apiToken: string
  sessionSecret: string
}

export const SESSION_SECRET_FOR_TESTS = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz'

/** Starts the simulator and pushgate; both close when `t` ends. */
export async function startGateway (t: Teardown, options: GatewayOptions = {}): Promise<RunningGateway> {
  const apiToken = `test-token-${randomBytes(12).toString('hex')}`
  const oktaUsers = options.oktaUsers ?? [ALICE]
  const simulatorOptions: SimulatorOptions = { apiToken, users: oktaUsers, ...options.simulator }
  if (options.clock !== undefined) simulatorOptions.clock = options.clock
  const simulator = await startSimulator(simulatorOptions)
  t.teardown(() => simulator.close())

  const port = await freePort()
  const publicUrl = options.publicUrl?.(port) ?? `http://127.0.0.1:${port}`
  const raw = mergeConfig({
    server: { host: '127.0.0.1', port },
    publicUrl,
    session: { secret: SESSION_SECRET_FOR_TESTS },
    okta: { orgUrl: simulator.url, apiToken, requestTimeout: '2s' },
    users: (options.logins ?? oktaUsers.map((user) => user.login)).map((login) => ({ login })),
    log: { level: 'debug' }
  }, options.config ?? {})
  const config = parseConfigObject(raw, 'the test configuration', {})

  const lines: string[] = []
  const logStream = new Writable({
    write (chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter((line) => line !== ''))
      callback()
    }
  })
  const appOptions: Parameters<typeof buildApp>[0] = { config, logStream, minPushStartMs: options.minPushStartMs ?? 0 }
  if (options.clock !== undefined) appOptions.clock = options.clock
  if (options.counterStore !== undefined) appOptions.counterStore = options.counterStore
  const app = await buildApp(appOptions)
  await app.listen({ host: '127.0.0.1', port })
  t.teardown(() => app.close())

  return {
    url: `http://127.0.0.1:${port}`,
    config,
    app,
    simulator,
    sim: new SimulatorControl(simulator.url),
    get logs () { return lines.map((line) => JSON.parse(line) as Record<string, unknown>) },
    rawLog: () => lines.join('\n'),
    apiToken,
    sessionSecret: SESSION_SECRET_FOR_TESTS
  }
}

function mergeConfig (base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key]
    const bothObjects = isPlainObject(current) && isPlainObject(value)
    merged[key] = bothObjects ? { ...current, ...value } : value
  }
  return merged
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A free port on 127.0.0.1, for servers that must know their URL before they listen. */
export async function freePort (): Promise<number> {
  const { createServer } = await import('node:net')
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}
