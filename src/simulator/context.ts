/**
 * The simulator's shared context: settings, clock, current state, rate limits and faults. Every route
 * module receives it; `POST /_sim/reset` swaps the state for a fresh copy of the seed.
 */
import type { AddressInfo } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { systemClock, type Clock } from '../clock.ts'
import { createFaultRegistry, type FaultRegistry } from './faults.ts'
import type { SimState } from './model.ts'
import type { SimulatorOptions, SimulatorSettings } from './options.ts'
import { resolveSettings } from './options.ts'
import { createRateLimiter, type RateLimiter } from './rate-limit.ts'
import { createState } from './state.ts'

export interface SimulatorContext {
  settings: SimulatorSettings
  clock: Clock
  state: SimState
  rateLimiter: RateLimiter
  faults: FaultRegistry
  /** Restores the seed users and clears pushes, emails, statistics, rate limits and faults. */
  reset: () => void
  /** The org URL that links point to, without a trailing slash. */
  orgUrl: (request: FastifyRequest) => string
}

export function createContext (options: SimulatorOptions, app: FastifyInstance): SimulatorContext {
  const settings = resolveSettings(options)
  const clock = options.clock ?? systemClock
  const fresh = (): SimState => createState(settings.users, clock.now(), settings.activationLifetimeMs)

  const context: SimulatorContext = {
    settings,
    clock,
    state: fresh(),
    rateLimiter: createRateLimiter(settings.rateLimitPerMinute),
    faults: createFaultRegistry(),
    reset () {
      context.state = fresh()
      context.rateLimiter.reset()
      context.faults.clear()
    },
    orgUrl: (request) => orgUrlOf(app, request)
  }
  return context
}

/**
 * Returns the URL clients reach the simulator at: the address it listens on, so links point back
 * to it. Before `listen()` (with `inject()`), the request's Host header is used instead.
 */
export function orgUrlOf (app: FastifyInstance, request?: FastifyRequest): string {
  const address = app.server.address()
  if (address === null || typeof address === 'string') return `http://${request?.host ?? 'localhost'}`
  return `http://${formatHost(address)}:${address.port}`
}

function formatHost (address: AddressInfo): string {
  // A wildcard address cannot be dialled; loopback reaches the same server.
  if (address.address === '0.0.0.0') return '127.0.0.1'
  if (address.address === '::') return '[::1]'
  return address.family === 'IPv6' ? `[${address.address}]` : address.address
}
