/**
 * Helpers shared by the attack tests: a clock the test moves by hand, a full push login that ends
 * with a session cookie, and plain requests that carry exactly the headers a test gives.
 */
import { request, type Dispatcher } from 'undici'
import type { Clock } from '../../src/clock.ts'
import { BrowserClient, type Answer } from '../helpers/browser-client.ts'
import type { RunningGateway } from '../helpers/gateway.ts'

/** A clock that only moves when the test calls advance(). */
export class ManualClock implements Clock {
  #nowMs: number

  constructor (startMs = Date.now()) {
    this.#nowMs = startMs
  }

  now (): number {
    return this.#nowMs
  }

  advance (ms: number): void {
    this.#nowMs += ms
  }
}

/**
 * pushgate polls Okta at most every 3 seconds per pending login (OKTA_POLL_INTERVAL_MS); tests on a
 * manual clock move it this far before asking for the outcome.
 */
export const POLL_STEP_MS = 3_100

/**
 * Signs `browser` in as `login`: opens the login page, sends the push, approves it on the
 * simulated phone and reads the outcome. Returns the final status response.
 */
export async function signIn (gateway: RunningGateway, browser: BrowserClient, options: { login?: string, rd?: string, clock?: ManualClock } = {}): Promise<Answer> {
  const login = options.login ?? 'alice@example.com'
  await browser.openLogin(options.rd)
  const body: { login?: string, rd?: string } = {}
  if (options.rd !== undefined) body.rd = options.rd
  if (gateway.config.users.length > 1) body.login = login
  const started = await browser.sendPush(body)
  if (started.status !== 200) throw new Error(`POST /login/push answered ${started.status}: ${started.body}`)

  await gateway.sim.answerLatest(login, 'approve')
  return await outcome(browser, options.clock)
}

/** Reads /login/status until the push is no longer waiting, moving a manual clock past each poll interval. */
export async function outcome (browser: BrowserClient, clock: ManualClock | undefined): Promise<Answer> {
  if (clock === undefined) return await browser.waitForOutcome()
  for (let attempt = 0; attempt < 20; attempt++) {
    clock.advance(POLL_STEP_MS)
    const answer = await browser.status()
    if (answer.status !== 200 || answer.json().state !== 'waiting') return answer
  }
  throw new Error('the push was still waiting after 20 polls')
}

/** Signs a fresh browser in and returns the session cookie's value. */
export async function sessionCookieFor (gateway: RunningGateway, options: { login?: string, clock?: ManualClock } = {}): Promise<string> {
  const browser = new BrowserClient(gateway.url)
  const approved = await signIn(gateway, browser, options)
  if (approved.json().state !== 'approved') throw new Error(`the login ended ${approved.body}`)
  const value = browser.cookies.get(gateway.config.session.cookieName)
  if (value === undefined) throw new Error('no session cookie after an approved login')
  return value
}

export interface PlainAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Sends one request with exactly `headers` (plus what undici adds itself), without cookies of its own. */
export async function send (base: string, path: string, options: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<PlainAnswer> {
  const response = await request(new URL(path, base), {
    method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
    headers: options.headers ?? {},
    body: options.body ?? null
  })
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() }
}

/** Headers of a fetch() from a script rather than a navigation: the authz endpoints return 401 for it. */
export const API_HEADERS = { accept: 'application/json' }

/** Returns every audit line pushgate logged, as { event, user, clientIp, userAgent, reason }. */
export function auditLines (gateway: RunningGateway): Array<Record<string, unknown>> {
  return gateway.logs.filter((line) => line.audit === true)
}
