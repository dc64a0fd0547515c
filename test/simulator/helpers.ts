/**
 * Test harness for the Okta simulator: a real server on 127.0.0.1 port 0, a clock the test moves by
 * hand, and small HTTP helpers for the Okta API and the control API.
 */
import type { Test } from 'tap'
import { request } from 'undici'
import { startSimulator, type RunningSimulator, type SimulatedUserInput, type SimulatorOptions } from '../../src/simulator/index.ts'

export const API_TOKEN = 'sim-test-token-0123456789abcdef'
export const BROWSER_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'

/** A clock that only moves when the test calls advance(). Starts on a minute boundary. */
export interface ManualClock {
  now: () => number
  advance: (ms: number) => void
}

export function createManualClock (startMs = Date.UTC(2026, 0, 15, 12, 0, 0)): ManualClock {
  let current = startMs
  return { now: () => current, advance: (ms) => { current += ms } }
}

export interface HttpResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: any
  text: string
}

export interface CallOptions {
  body?: unknown
  headers?: Record<string, string>
}

export interface Harness {
  sim: RunningSimulator
  clock: ManualClock
  /** Calls the Okta API with the API token and a browser User-Agent; `path` may be a full URL from a link. */
  api: (method: string, path: string, options?: CallOptions) => Promise<HttpResult>
  /** Calls the control API under /_sim. */
  control: (method: string, path: string, body?: unknown) => Promise<HttpResult>
  /** Resolves a login to its user id and push factor id through the Okta API. */
  lookup: (login: string) => Promise<{ userId: string, factorId: string }>
}

export const ALICE: SimulatedUserInput = { login: 'alice@example.com', firstName: 'Alice', lastName: 'Archer', groups: ['Engineering'] }

/** Starts a simulator seeded with Alice (ACTIVE push factor) unless `options.users` lists other users. */
export async function startHarness (t: Test, options: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const clock = createManualClock()
  const sim = await startSimulator({ apiToken: API_TOKEN, clock, users: [ALICE], ...options })
  t.teardown(() => sim.close())

  const api = async (method: string, path: string, callOptions: CallOptions = {}): Promise<HttpResult> => {
    const headers = { authorization: `SSWS ${API_TOKEN}`, 'user-agent': BROWSER_UA, accept: 'application/json', ...callOptions.headers }
    return send(method, new URL(path, sim.url).href, headers, callOptions.body)
  }
  const control = async (method: string, path: string, body?: unknown): Promise<HttpResult> => send(method, `${sim.url}/_sim${path}`, {}, body)
  const lookup = async (login: string) => {
    const user = await api('GET', `/api/v1/users/${encodeURIComponent(login)}`)
    const factors = await api('GET', `/api/v1/users/${user.body.id}/factors`)
    return { userId: user.body.id as string, factorId: factors.body[0]?.id as string }
  }
  return { sim, clock, api, control, lookup }
}

/** Sends a request; a JSON body is serialized with its Content-Type, other bodies go as they are. */
export async function send (method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<HttpResult> {
  const allHeaders = { ...headers }
  let payload: string | undefined
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body)
    if (typeof body !== 'string') allHeaders['content-type'] ??= 'application/json'
  }
  const response = await request(url, { method: method as 'GET', headers: allHeaders, ...(payload === undefined ? {} : { body: payload }) })
  const text = await response.body.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {}
  return { status: response.statusCode, headers: response.headers, body: parsed, text }
}
