/**
 * The Okta simulator: the slice of Okta's management API that pushgate uses (users, groups, Okta
 * Verify push factors, push verification), a control API for tests under /_sim/, and a phone page
 * at /phone that plays the part of Okta Verify. docs/simulator.md describes every route and each
 * behaviour the simulator had to choose where Okta's documentation is silent.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { registerActivationRoutes } from './api-activation.ts'
import { registerFactorRoutes } from './api-factors.ts'
import { registerApiGuards } from './api-plugin.ts'
import { registerUserRoutes } from './api-users.ts'
import { registerVerifyRoutes } from './api-verify.ts'
import { createContext, orgUrlOf } from './context.ts'
import { registerControlRoutes } from './control-routes.ts'
import { OktaError } from './okta-errors.ts'
import type { SimulatorOptions } from './options.ts'
import { registerPhoneRoutes } from './phone-routes.ts'

export type { SimulatedUserInput, UserStatus } from './model.ts'
export {
  DEFAULT_ACTIVATION_LIFETIME_MS,
  DEFAULT_PUSH_LIFETIME_MS,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  type SimulatorOptions
} from './options.ts'

export interface RunningSimulator {
  /** The org URL, such as `http://127.0.0.1:41234`, without a trailing slash. */
  url: string
  /** The phone page, where a person approves or denies pushes. */
  phoneUrl: string
  app: FastifyInstance
  /** Stops listening; hung requests from faults are cut off. */
  close: () => Promise<void>
}

/**
 * Builds the simulator as a Fastify app without listening. Links in API bodies point to the address
 * the app listens on, so start it with startSimulator (or `app.listen`) before clients follow them.
 * Throws TypeError for invalid options and InputError for a duplicate login in `users`.
 */
export function buildSimulator (options: SimulatorOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger === true ? { level: 'info', redact: ['req.headers.authorization'] } : false
  })
  const context = createContext(options, app)

  app.register(async (api) => {
    registerApiGuards(api, context)
    registerUserRoutes(api, context)
    registerFactorRoutes(api, context)
    registerActivationRoutes(api, context)
    registerVerifyRoutes(api, context)
  }, { prefix: '/api/v1' })
  app.register(async (control) => { registerControlRoutes(control, context) }, { prefix: '/_sim' })
  app.register(async (phone) => registerPhoneRoutes(phone, context), { prefix: '/phone' })

  // Browsers ask for an icon when they open the phone page; 204 keeps a 404 out of their console.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send())
  app.setNotFoundHandler(async (request, reply) => {
    const error = new OktaError(404, 'E0000007', `Not found: Resource not found: ${request.url.split('?')[0]}`)
    return reply.code(404).send(error.toBody())
  })
  app.addHook('preClose', async () => { context.faults.shutdown() })
  return app
}

/** Builds the simulator and listens on `host` (default 127.0.0.1) and `port` (default 0, any free port). */
export async function startSimulator (options: SimulatorOptions): Promise<RunningSimulator> {
  const app = buildSimulator(options)
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 })
  } catch (error) {
    await app.close()
    throw error
  }

  const url = orgUrlOf(app)
  return { url, phoneUrl: `${url}/phone`, app, close: () => app.close() }
}

/**
 * Returns the lines a command prints when the simulator is up: org URL, phone page, API token and
 * control API. The token is masked unless `showToken` is true.
 */
export function describeSimulator (running: RunningSimulator, apiToken: string, { showToken = false } = {}): string[] {
  const token = showToken ? apiToken : maskToken(apiToken)
  return [
    `Okta org URL:  ${running.url}`,
    `Phone page:    ${running.phoneUrl}  (approve or deny pushes here)`,
    `API token:     ${token}  (send it as "Authorization: SSWS <token>")`,
    `Control API:   ${running.url}/_sim/  (for tests; see docs/simulator.md)`
  ]
}

/** Shows the first 4 characters of a token of 16 or more; shorter tokens are hidden entirely. */
function maskToken (token: string): string {
  const visible = token.length >= 16 ? token.slice(0, 4) : ''
  return `${visible}… (${token.length} characters)`
}
