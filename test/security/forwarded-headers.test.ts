/**
 * Forged forwarded headers: a client that reaches pushgate without going through the proxy, or
 * that adds its own X-Forwarded-* and X-Original-* headers, tries to change what pushgate thinks
 * the request is about, where the login sends it afterwards, or which IP it counts. The headers
 * are believed only from server.trustedProxies, and a description that does not parse is denied.
 */
import t from 'tap'
import { request } from 'undici'
import { BrowserClient } from '../helpers/browser-client.ts'
import { startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { auditLines, ManualClock, send, sessionCookieFor } from './helpers.ts'

const NAVIGATION = { accept: 'text/html', 'sec-fetch-mode': 'navigate' }

const FORWARDED = {
  'x-forwarded-method': 'GET',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'app.example.com',
  'x-forwarded-uri': '/reports?year=2026'
}

function rdOf (location: unknown): string | null {
  return typeof location === 'string' ? new URL(location).searchParams.get('rd') : null
}

t.test('forged X-Forwarded-* from an untrusted peer are ignored', async (t) => {
  const gateway = await startGateway(t, { config: { server: { trustedProxies: ['10.0.0.0/8'] } } })

  const forwardAuth = await send(gateway.url, '/authz/forward-auth', { headers: { ...NAVIGATION, ...FORWARDED } })
  t.equal(forwardAuth.status, 302)
  t.equal(rdOf(forwardAuth.headers.location), null, 'the login URL carries no rd built from forged headers')

  const authRequest = await send(gateway.url, '/authz/auth-request', { headers: { ...NAVIGATION, 'x-original-url': 'https://evil.test/phish', 'x-original-method': 'GET' } })
  t.equal(authRequest.status, 401)
  t.equal(rdOf(authRequest.headers.location), null, 'X-Original-URL from an untrusted peer is ignored')

  const warnings = gateway.logs.filter((line) => String(line.msg).startsWith('ignored X-Forwarded-*'))
  t.equal(warnings.length, 1, 'the operator is told once that forwarded headers were ignored')
})

t.test('forwarded headers through a trusted proxy describe the request', async (t) => {
  const gateway = await startGateway(t)

  const forwardAuth = await send(gateway.url, '/authz/forward-auth', { headers: { ...NAVIGATION, ...FORWARDED } })
  t.equal(forwardAuth.status, 302)
  t.equal(rdOf(forwardAuth.headers.location), 'https://app.example.com/reports?year=2026')

  const post = await send(gateway.url, '/authz/forward-auth', { headers: { ...NAVIGATION, ...FORWARDED, 'x-forwarded-method': 'POST' } })
  t.equal(post.status, 303, 'a POST is sent to the login page with 303, so the browser does not resend the body')

  const websocket = await send(gateway.url, '/authz/forward-auth', { headers: { ...NAVIGATION, ...FORWARDED, 'x-forwarded-proto': 'wss' } })
  t.equal(rdOf(websocket.headers.location), 'https://app.example.com/reports?year=2026', 'wss from a Traefik WebSocket upgrade maps to https')

  const authRequest = await send(gateway.url, '/authz/auth-request', { headers: { ...NAVIGATION, 'x-original-url': 'https://app.example.com/a?b=c', 'x-original-method': 'GET' } })
  t.equal(authRequest.status, 401)
  t.equal(rdOf(authRequest.headers.location), 'https://app.example.com/a?b=c')
})

t.test('spoofed X-Forwarded-Host through a trusted proxy cannot redirect off-domain', async (t) => {
  const gateway = await startGateway(t, { config: { defaultRedirectUrl: 'http://127.0.0.1:1/home' } })
  const answer = await send(gateway.url, '/authz/forward-auth', { headers: { ...NAVIGATION, ...FORWARDED, 'x-forwarded-host': 'evil.test' } })
  const location = String(answer.headers.location)
  t.equal(rdOf(location), 'https://evil.test/reports?year=2026', 'the proxy passed the host on')

  const login = await send(gateway.url, new URL(location).pathname + new URL(location).search, { headers: NAVIGATION })
  t.match(login.body, 'name="rd" value="http://127.0.0.1:1/home"', 'the login page falls back instead of carrying the forged host')
})

t.test('X-Forwarded-For that is not an address falls back to the peer', async (t) => {
  const gateway = await startGateway(t)
  for (const forged of ['https://evil.test/', 'unknown', '999.1.1.1', '_hidden']) {
    const browser = new BrowserClient(gateway.url)
    const fetch = browser.fetch.bind(browser)
    browser.fetch = async (path, options = {}) => await fetch(path, { ...options, headers: { 'x-forwarded-for': forged, ...options.headers } })
    await browser.openLogin()
    const started = await browser.sendPush()
    t.equal(started.status, 200, `X-Forwarded-For ${forged}: the push starts`)
    t.equal((await browser.status()).status, 200, `X-Forwarded-For ${forged}: status polling works`)
  }
  const ips = new Set(auditLines(gateway).map((line) => line.clientIp))
  t.same([...ips], ['127.0.0.1'], 'limits and the audit log use the proxy\'s address instead')
})

interface MalformedCase {
  name: string
  endpoint: 'forward-auth' | 'auth-request'
  headers: Record<string, string> | string[]
}

const MALFORMED: MalformedCase[] = [
  { name: 'lower-case method', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-method': 'get' } },
  { name: 'method with a space', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-method': 'GET /admin' } },
  { name: 'method of 21 letters', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-method': 'A'.repeat(21) } },
  { name: 'empty method', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-method': '' } },
  { name: 'method with digits', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-method': 'G3T' } },
  { name: 'proto ftp', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-proto': 'ftp' } },
  { name: 'proto javascript', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-proto': 'javascript' } },
  { name: 'proto with a URL', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-proto': 'https://evil.test' } },
  { name: 'empty proto', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-proto': '' } },
  { name: 'host with a path', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-host': 'evil.test/path' } },
  { name: 'host with userinfo', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-host': 'user@app.example.com' } },
  { name: 'host with a space', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-host': 'app example.com' } },
  { name: 'host with a port out of range', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-host': 'app.example.com:99999' } },
  { name: 'host with a letter port', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-host': 'app.example.com:http' } },
  { name: 'empty host', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-host': '' } },
  { name: 'unclosed IPv6 host', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-host': '[::1' } },
  { name: 'URI without a leading slash', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-uri': 'reports' } },
  { name: 'URI starting with //', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-uri': '//evil.test/x' } },
  { name: 'absolute URI', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-uri': 'https://evil.test/' } },
  { name: 'URI with a space', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-uri': '/a b' } },
  { name: 'URI with a non-ASCII byte', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-uri': '/caf\u00e9' } },
  { name: 'asterisk URI', endpoint: 'forward-auth', headers: { ...FORWARDED, 'x-forwarded-uri': '*' } },
  { name: 'URI sent twice', endpoint: 'forward-auth', headers: ['x-forwarded-method', 'GET', 'x-forwarded-proto', 'https', 'x-forwarded-host', 'app.example.com', 'x-forwarded-uri', '/public', 'x-forwarded-uri', '/admin'] },
  { name: 'X-Original-URL that is not a URL', endpoint: 'auth-request', headers: { 'x-original-url': 'not a url' } },
  { name: 'X-Original-URL javascript', endpoint: 'auth-request', headers: { 'x-original-url': 'javascript:alert(1)' } },
  { name: 'X-Original-URL scheme-relative', endpoint: 'auth-request', headers: { 'x-original-url': '//evil.test/' } },
  { name: 'X-Original-URL ftp', endpoint: 'auth-request', headers: { 'x-original-url': 'ftp://app.example.com/' } },
  { name: 'X-Original-URL with userinfo', endpoint: 'auth-request', headers: { 'x-original-url': 'https://user@app.example.com/' } },
  { name: 'X-Original-URL with an empty host', endpoint: 'auth-request', headers: { 'x-original-url': 'https:///path' } },
  { name: 'X-Original-URL with a space', endpoint: 'auth-request', headers: { 'x-original-url': 'https://app.example.com/a b' } },
  { name: 'X-Original-URL sent twice', endpoint: 'auth-request', headers: ['x-original-url', 'https://app.example.com/public', 'x-original-url', 'https://app.example.com/admin'] },
  { name: 'X-Original-Method lower case', endpoint: 'auth-request', headers: { 'x-original-url': 'https://app.example.com/', 'x-original-method': 'post' } },
  { name: 'X-Original-Method with a request line', endpoint: 'auth-request', headers: { 'x-original-url': 'https://app.example.com/', 'x-original-method': 'GET / HTTP/1.1' } }
]

async function ask (gateway: RunningGateway, entry: MalformedCase, cookie: string | undefined) {
  const extra = cookie === undefined ? [] : ['cookie', cookie]
  const headers = Array.isArray(entry.headers)
    ? [...entry.headers, 'accept', 'text/html', ...extra]
    : [...Object.entries(entry.headers).flat(), 'accept', 'text/html', ...extra]
  const response = await request(`${gateway.url}/authz/${entry.endpoint}`, { headers })
  const body = await response.body.text()
  return { status: response.statusCode, body, headers: response.headers }
}

t.test('malformed forwarded requests are denied, even with a session', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const cookie = `${gateway.config.session.cookieName}=${await sessionCookieFor(gateway, { clock })}`

  const allowed = await ask(gateway, { name: 'well-formed', endpoint: 'forward-auth', headers: FORWARDED }, cookie)
  t.equal(allowed.status, 200, 'a well-formed request with the session is allowed')

  for (const entry of MALFORMED) {
    const signedIn = await ask(gateway, entry, cookie)
    t.equal(signedIn.status, 403, `${entry.endpoint}, ${entry.name}, signed in: 403`)
    t.equal(JSON.parse(signedIn.body).error, 'invalid_forwarded_request', `${entry.name}: named as a malformed request`)
    t.equal(signedIn.headers['remote-user'], undefined, `${entry.name}: no identity headers`)

    const anonymous = await ask(gateway, entry, undefined)
    t.equal(anonymous.status, 403, `${entry.endpoint}, ${entry.name}, not signed in: 403, never a redirect`)
  }
})

t.test('client-sent identity headers never reach the answer', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const cookie = `${gateway.config.session.cookieName}=${await sessionCookieFor(gateway, { clock })}`
  const forged = { 'remote-user': 'admin', 'remote-groups': 'admins', 'remote-email': 'root@example.com', 'remote-name': 'Root' }

  for (const endpoint of ['forward-auth', 'auth-request']) {
    const answer = await send(gateway.url, `/authz/${endpoint}`, { headers: { ...forged, ...FORWARDED, cookie } })
    t.equal(answer.status, 200)
    t.equal(answer.headers['remote-user'], 'alice@example.com', `${endpoint}: Remote-User comes from the session`)
    t.same(String(answer.headers['remote-groups']).split(',').sort(), ['Engineering', 'Everyone', 'Staging access'], `${endpoint}: Remote-Groups comes from the session`)
    t.equal(answer.headers['remote-email'], 'alice@example.com', `${endpoint}: Remote-Email comes from the session`)
    t.equal(answer.headers['remote-name'], 'Alice Example', `${endpoint}: Remote-Name comes from the session`)
  }
  const anonymous = await send(gateway.url, '/authz/forward-auth', { headers: { ...forged, ...FORWARDED, accept: 'application/json' } })
  t.equal(anonymous.status, 401)
  t.equal(anonymous.headers['remote-user'], undefined, 'a 401 carries no identity headers')
})
