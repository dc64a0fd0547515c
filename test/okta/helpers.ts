/**
 * Test helpers for the Okta client: a small Okta stand-in on 127.0.0.1 that returns exactly what a
 * test needs and records every request, a log sink, and a check that a value never shows the token.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { pino } from 'pino'
import type { Test } from 'tap'
import { OktaClient, type OktaClientOptions } from '../../src/okta/index.ts'

export const TOKEN = '00TestTokenSecret-aBcDeF1234567890xyz'

export interface RecordedRequest {
  method: string
  /** Path and query string. */
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse, server: FakeOkta) => void

export interface FakeOkta {
  /** The origin, such as http://127.0.0.1:40123. */
  url: URL
  requests: RecordedRequest[]
  /** Builds an absolute URL on this server. */
  link: (path: string) => string
}

/** Starts an HTTP server on 127.0.0.1, port 0, closed when the test ends. */
export async function startFakeOkta (t: Test, handler: FakeHandler): Promise<FakeOkta> {
  const requests: RecordedRequest[] = []
  const fake: FakeOkta = { url: new URL('http://127.0.0.1'), requests, link: (path) => new URL(path, fake.url).href }
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const recorded = { method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') }
      requests.push(recorded)
      handler(recorded, response, fake)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return fake
}

/** Sends `body` as JSON with `status` and any extra headers. */
export function sendJson (response: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

/** Builds an Okta error body, as Okta sends it. */
export function oktaError (errorCode: string, errorSummary: string): object {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: 'oaeTestError0001', errorCauses: [] }
}

export interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

/** Creates a real pino logger at debug level that keeps what it writes. */
export function captureLogger (): { logger: pino.Logger, text: () => string, lines: () => LogLine[] } {
  const raw: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => { raw.push(line) } })
  const text = (): string => raw.join('')
  const lines = (): LogLine[] => text().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine)
  return { logger, text, lines }
}

/** Creates a client for `fake` with the test token, closed when the test ends. */
export function createClient (t: Test, fake: FakeOkta, options: Partial<OktaClientOptions> = {}): OktaClient {
  const client = new OktaClient({ orgUrl: fake.url, apiToken: TOKEN, timeoutMs: 2_000, ...options })
  t.teardown(() => client.close())
  return client
}

/** Renders `value` every way it can be shown: message, stack, inspect, JSON, and the cause chain. */
export function renderings (value: unknown): string[] {
  const renderedTexts = [inspect(value, { depth: Infinity, showHidden: true }), safeJson(value), String(value)]
  let current: unknown = value
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    renderedTexts.push(current.message, current.stack ?? '', inspect(current, { depth: Infinity, showHidden: true }), safeJson(current))
    current = current.cause
  }
  return renderedTexts
}

function safeJson (value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

/** Asserts that no rendering of `value` contains the API token. */
export function assertNoToken (t: Test, value: unknown, description: string): void {
  const leaked = renderings(value).some((text) => text.includes(TOKEN))
  t.notOk(leaked, `${description} does not contain the API token`)
}

/** Rejects with the error `promise` rejects with, or fails the test when it resolves. */
export async function caught (promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

/** Returns request number `index` (0-based) that `fake` received, or throws. */
export function requestAt (fake: FakeOkta, index: number): RecordedRequest {
  const request = fake.requests[index]
  if (request === undefined) throw new Error(`the fake Okta received ${fake.requests.length} requests, not ${index + 1}`)
  return request
}

export const USER_ID = '00u1abcd2EFGH3ijk4l5'
export const FACTOR_ID = 'opf1abcd2EFGH3ijk4l5'

/** A user object as Okta returns it, trimmed to a few fields plus some Okta adds. */
export const USER_BODY = {
  id: USER_ID,
  status: 'ACTIVE',
  created: '2024-05-01T10:00:00.000Z',
  lastLogin: null,
  type: { id: 'oty1abcd2EFGH3ijk4l5' },
  profile: { login: 'alice@example.com', email: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell', mobilePhone: null },
  credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
  _links: { self: { href: 'https://example.okta.com/api/v1/users/00u1abcd2EFGH3ijk4l5' } }
}
