/**
 * Fuzzing: thousands of random and malformed requests against both authz endpoints and the login
 * routes, through undici (well-formed HTTP with hostile headers, cookies, URLs, methods and bodies)
 * and through raw sockets (request lines and headers that no HTTP client would send). Checks: no
 * 5xx except a 503 about Okta, no 200 from authz without a session cookie that pushgate sealed,
 * no error logged, and pushgate still answers at the end.
 *
 * The seed is printed; PUSHGATE_FUZZ_SEED=<seed> replays a run, PUSHGATE_FUZZ_COUNT changes its size.
 */
import { connect } from 'node:net'
import t from 'tap'
import { request, type Dispatcher } from 'undici'
import { SessionSealer } from '../../src/session/sealer.ts'
import { BrowserClient } from '../helpers/browser-client.ts'
import { SESSION_SECRET_FOR_TESTS, startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { hostileBody, hostileQuery, hostileText, malformedRequest, METHODS, mutateSeal, PATHS, Random } from './fuzz-inputs.ts'
import { sessionCookieFor } from './helpers.ts'

const SEED = Number(process.env.PUSHGATE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const HTTP_REQUESTS = Number(process.env.PUSHGATE_FUZZ_COUNT ?? 5000)
const RAW_REQUESTS = Math.ceil(HTTP_REQUESTS / 3)
const CONCURRENCY = 16
/** A raw connection that has neither responded nor closed by then is ended by the test. */
const RAW_IDLE_MS = 1_500

interface Finding {
  what: string
  status?: number
  detail: string
}

interface FuzzContext {
  gateway: RunningGateway
  random: Random
  sealer: SessionSealer
  validCookie: string
  csrf: { cookie: string, token: string }
  findings: Finding[]
  statuses: Map<number, number>
}

t.test(`fuzzing authz and login routes never gives a 5xx or a false 200 (seed ${SEED})`, async (t) => {
  t.comment(`fuzz seed ${SEED}; replay with PUSHGATE_FUZZ_SEED=${SEED}`)
  const gateway = await startGateway(t, { config: { log: { level: 'info' } } })
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const context: FuzzContext = {
    gateway,
    random: new Random(SEED),
    sealer: new SessionSealer({ secrets: { 1: SESSION_SECRET_FOR_TESTS }, lifetimeMs: gateway.config.session.lifetimeMs, clock: { now: () => Date.now() } }),
    validCookie: await sessionCookieFor(gateway),
    csrf: { cookie: browser.cookieHeader(), token: browser.csrfToken ?? '' },
    findings: [],
    statuses: new Map()
  }

  const started = performance.now()
  const requests = Array.from({ length: HTTP_REQUESTS }, () => fuzzRequest(context))
  await runPool(requests, CONCURRENCY, async (make) => { await make() })
  const raw = Array.from({ length: RAW_REQUESTS }, () => malformedRequest(context.random, context.random.pick(PATHS)))
  await runPool(raw, CONCURRENCY, async (text) => { await sendRaw(context, text) })
  t.comment(`${HTTP_REQUESTS} HTTP and ${RAW_REQUESTS} raw requests in ${Math.round(performance.now() - started)} ms; statuses ${JSON.stringify(Object.fromEntries([...context.statuses].sort()))}`)

  t.same(context.findings.slice(0, 20), [], `no finding (seed ${SEED})`)
  const errors = gateway.logs.filter((line) => Number(line.level) >= 50)
  const described = errors.slice(0, 5).map((line) => `${String(line.msg)}: ${String((line.err as { stack?: unknown } | undefined)?.stack ?? '')}`)
  t.same(described, [], 'pushgate logged no error')

  t.ok(gateway.app.server.listening, 'the server still listens')
  const health = await request(`${gateway.url}/healthz`)
  t.equal(health.statusCode, 200, '/healthz still answers')
  await health.body.dump()
  const cookie = `${gateway.config.session.cookieName}=${context.validCookie}`
  const authz = await request(`${gateway.url}/authz/forward-auth`, { headers: { cookie } })
  t.equal(authz.statusCode, 200, 'a genuine session still gets through')
  await authz.body.dump()
})

/** Builds one random request as a thunk, so that the inputs depend only on the seed and not on timing. */
function fuzzRequest (context: FuzzContext): () => Promise<void> {
  const { random, gateway } = context
  // One request in ten passes the cross-site checks, so that hostile bodies reach the push logic.
  const passesCsrf = random.chance(0.1)
  const method = passesCsrf ? 'POST' : random.pick(METHODS)
  const path = passesCsrf ? random.pick(['/login/push', '/login/cancel']) : `${random.pick(PATHS)}${hostileQuery(random)}`
  const headers: string[] = []
  const add = (name: string, value: string) => { headers.push(name, value) }
  if (passesCsrf) {
    add('origin', new URL(gateway.url).origin)
    add('x-csrf-token', context.csrf.token)
    add('x-forwarded-for', `203.0.113.${random.int(255)}`)
  }

  const cookieKind = random.int(6)
  const sessionName = gateway.config.session.cookieName
  if (cookieKind === 0) add('cookie', `${sessionName}=${mutateSeal(random, context.validCookie)}`)
  if (cookieKind === 1) add('cookie', `${sessionName}=${hostileText(random)}`)
  if (cookieKind === 2) add('cookie', `${context.csrf.cookie}; ${sessionName}=${mutateSeal(random, context.validCookie)}; ${sessionName}=x`)
  if (cookieKind === 3 || passesCsrf) add('cookie', context.csrf.cookie)
  if (random.chance(0.5)) add('x-forwarded-method', random.chance(0.5) ? 'GET' : hostileText(random))
  if (random.chance(0.5)) add('x-forwarded-proto', random.chance(0.5) ? 'https' : hostileText(random))
  if (random.chance(0.5)) add('x-forwarded-host', random.chance(0.5) ? 'app.example.com' : hostileText(random))
  if (random.chance(0.5)) add('x-forwarded-uri', random.chance(0.5) ? '/reports' : hostileText(random))
  if (random.chance(0.3)) add('x-forwarded-for', random.chance(0.5) ? `198.51.100.${random.int(255)}` : hostileText(random))
  if (random.chance(0.3)) add('x-original-url', random.chance(0.5) ? 'https://app.example.com/x' : hostileText(random))
  if (random.chance(0.2)) add('x-original-method', hostileText(random))
  if (random.chance(0.5)) add('accept', random.pick(['text/html', 'application/json', '*/*', hostileText(random)]))
  if (random.chance(0.3)) add('sec-fetch-mode', random.pick(['navigate', 'cors', hostileText(random)]))
  if (random.chance(0.3)) add('origin', random.pick([new URL(gateway.url).origin, 'null', hostileText(random)]))
  if (random.chance(0.3)) add('x-csrf-token', random.chance(0.5) ? context.csrf.token : hostileText(random))
  if (random.chance(0.2)) add('x-requested-with', 'XMLHttpRequest')
  if (random.chance(0.2)) add('user-agent', hostileText(random))
  if (random.chance(0.1)) add('remote-user', 'admin')
  const body = method === 'GET' || method === 'HEAD' ? { type: undefined, body: '' } : hostileBody(random)
  if (body.type !== undefined) add('content-type', body.type)

  return async () => {
    let response: Dispatcher.ResponseData
    try {
      response = await request(`${gateway.url}${path}`, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body.body === '' ? null : body.body
      })
    } catch (error) {
      // undici refuses some header values before sending; those requests never reach pushgate.
      if ((error as { code?: string }).code === 'UND_ERR_INVALID_ARG') return
      context.findings.push({ what: `${method} ${path.slice(0, 80)}`, detail: `request failed: ${String(error)}` })
      return
    }
    const text = await response.body.text()
    await check(context, { method, path, headers, status: response.statusCode, body: text })
  }
}

async function check (context: FuzzContext, exchange: { method: string, path: string, headers: string[], status: number, body: string }): Promise<void> {
  const { status } = exchange
  context.statuses.set(status, (context.statuses.get(status) ?? 0) + 1)
  const what = `${exchange.method} ${exchange.path.slice(0, 80)}`

  if (status >= 500 && !isOktaTrouble(status, exchange.body)) {
    context.findings.push({ what, status, detail: exchange.body.slice(0, 200) })
  }
  const authz = /^\/authz\/(forward-auth|auth-request)(\?|$)/.test(exchange.path)
  if (authz && status === 200 && !(await carriesValidSession(context, exchange.headers))) {
    context.findings.push({ what, status, detail: 'authz allowed a request without a valid session cookie' })
  }
}

/** 503 with PG_ERR_LOGIN_OKTA_UNAVAILABLE is the documented response while Okta is down or limiting. */
function isOktaTrouble (status: number, body: string): boolean {
  return status === 503 && body.includes('PG_ERR_LOGIN_OKTA_UNAVAILABLE')
}

/** True when any session cookie in the request's Cookie headers unseals with pushgate's secret. */
async function carriesValidSession (context: FuzzContext, headers: string[]): Promise<boolean> {
  const name = context.gateway.config.session.cookieName
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== 'cookie') continue
    for (const pair of (headers[i + 1] ?? '').split(';')) {
      const [key, ...rest] = pair.trim().split('=')
      if (key !== name) continue
      if ((await context.sealer.unseal(rest.join('='))).session !== undefined) return true
    }
  }
  return false
}

/** Sends `text` on a new connection and checks every status line that comes back. */
async function sendRaw (context: FuzzContext, text: string): Promise<void> {
  const port = Number(new URL(context.gateway.url).port)
  const received = await new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const finish = () => {
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('latin1'))
    }
    socket.setTimeout(RAW_IDLE_MS, finish)
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', finish)
    socket.on('close', finish)
    socket.write(text, 'latin1', () => { socket.end() })
  })

  for (const match of received.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n[\s\S]*?\r\n\r\n([^\r]*)/g)) {
    const status = Number(match[1])
    context.statuses.set(status, (context.statuses.get(status) ?? 0) + 1)
    if (status >= 500 && !isOktaTrouble(status, match[2] ?? '')) {
      context.findings.push({ what: `raw ${JSON.stringify(text.slice(0, 60))}`, status, detail: received.slice(0, 200) })
    }
    if (status === 200 && /^\S+ \/authz\//.test(text) && !text.includes(context.validCookie)) {
      context.findings.push({ what: `raw ${JSON.stringify(text.slice(0, 60))}`, status, detail: 'authz allowed a raw request without a session cookie' })
    }
  }
}

async function runPool<T> (items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T
      await work(item)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}
