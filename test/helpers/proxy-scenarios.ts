/**
 * The checks that nginx and Caddy must both pass with the shipped configs: what a browser, a
 * fetch() and an attacker see through the real proxy, and what reaches the protected app.
 * test/proxy/nginx.test.ts and caddy.test.ts run them against their own stack.
 */
import type { Test } from 'tap'
import { request } from 'undici'
import { ALICE } from './gateway.ts'
import { attemptWebSocket, FETCH_HEADERS, type ProxyClient } from './proxy-client.ts'
import { BOB, type ProxyStack } from './proxy-stack.ts'
import { TEST_DOMAIN } from './tls.ts'
import type { UpstreamEcho } from './upstream.ts'

/** A protected URL with a path, a query of two parameters and an escaped space. */
export const DEEP_PATH = '/reports/q3?sort=desc&name=a%20b'

/**
 * A protected URL of about 6 KB. pushgate puts it, percent-encoded, in the login URL's `rd`, and
 * nginx responds with 500 when the auth response's headers exceed proxy_buffer_size.
 */
export const LONG_PATH = `/reports/long?q=${'%2F'.repeat(2000)}`

/**
 * The identity headers spelled with underscores, in three cases. CGI, WSGI, PHP and many
 * frameworks map Remote_User and Remote-User to the same HTTP_REMOTE_USER, so a client that sends
 * one of these could pose as anyone unless the proxy removes it.
 */
export const UNDERSCORE_IDENTITY_HEADERS = [
  ['Remote_User', 'Remote_Email', 'Remote_Name', 'Remote_Groups'],
  ['remote_user', 'remote_email', 'remote_name', 'remote_groups'],
  ['REMOTE_USER', 'REMOTE_EMAIL', 'REMOTE_NAME', 'REMOTE_GROUPS']
]

/**
 * Checks that `location` is pushgate's login page for `target`. pushgate may shorten a long `rd`
 * (the query goes first, then the path), so `rd` is either `target` itself, or the same origin
 * with no query and a path that `target`'s path starts with, or missing.
 */
export function assertLoginRedirect (t: Test, stack: ProxyStack, target: string, location: string | undefined): void {
  t.ok(location, 'the response has a Location')
  const login = new URL(location ?? 'https://missing.invalid/')
  t.equal(login.origin, stack.url('auth', ''), 'the redirect goes to pushgate on auth.example.test')
  t.equal(login.pathname, '/login')

  const rd = login.searchParams.get('rd')
  if (rd === null || rd === target) return
  const shortened = new URL(rd)
  const asked = new URL(target)
  t.equal(shortened.origin, asked.origin, 'a shortened rd keeps the origin')
  t.equal(shortened.search, '', 'a shortened rd drops the query')
  t.ok(asked.pathname.startsWith(shortened.pathname), `a shortened rd keeps a prefix of the path, got ${shortened.pathname}`)
}

/** Signs a new client in as `login` through the proxy and returns it. */
export async function signedInClient (t: Test, stack: ProxyStack, login: string): Promise<ProxyClient> {
  const client = stack.client(t)
  const first = await client.navigate(stack.url('app', DEEP_PATH))
  const location = first.headers.location
  if (typeof location !== 'string') throw new Error(`expected a redirect to the login page, got ${first.status}: ${first.body}`)
  const typed = stack.gateway.config.users.length > 1 ? login : undefined
  await client.signIn(location, stack.gateway.sim, login, typed)
  return client
}

function lastEcho (stack: ProxyStack, app: 'app' | 'second'): UpstreamEcho | undefined {
  const requests = stack[app].requests
  return requests[requests.length - 1]
}

export function registerProxyScenarios (t: Test, stack: ProxyStack): void {
  const { gateway } = stack
  // Each sign-in waits for pushgate's next Okta poll (3 s), so the tests that only need a signed-in
  // browser share one per user. Tests that sign out use their own.
  const alice = once(async () => await signedInClient(t, stack, ALICE.login))
  const bob = once(async () => await signedInClient(t, stack, BOB.login))

  t.test('navigation without session redirects to login', async (t) => {
    const client = stack.client(t)
    const before = stack.app.requests.length
    const target = stack.url('app', DEEP_PATH)
    const answer = await client.navigate(target)

    t.equal(answer.status, 302)
    const location = new URL(String(answer.headers.location))
    t.equal(location.origin, stack.url('auth', ''), 'the redirect goes to pushgate on auth.example.test')
    t.equal(location.pathname, '/login')
    t.equal(location.searchParams.get('rd'), target, 'rd is the URL the person asked for, path and query intact')
    t.equal(stack.app.requests.length, before, 'the app saw nothing')
  })

  t.test('fetch without session gets plain 401', async (t) => {
    const client = stack.client(t)
    const answer = await client.fetchJson(stack.url('app', '/api/items'))

    t.equal(answer.status, 401)
    t.equal(answer.headers.location, undefined)
    t.match(String(answer.headers['content-type']), /application\/json/)
    t.equal(answer.json().error, 'unauthorized')
  })

  t.test('XHR and curl get plain 401', async (t) => {
    const client = stack.client(t)
    const xhr = await client.request(stack.url('app', '/api/items'), { headers: { accept: 'text/html, */*', 'x-requested-with': 'XMLHttpRequest' } })
    t.equal(xhr.status, 401, 'X-Requested-With: XMLHttpRequest is never a navigation')
    t.equal(xhr.headers.location, undefined)

    const curl = await client.request(stack.url('app', '/'), { headers: { accept: '*/*', 'user-agent': 'curl/8.5.0' } })
    t.equal(curl.status, 401)
    t.equal(curl.headers.location, undefined)
  })

  t.test('login sets Secure domain cookie', async (t) => {
    const client = stack.client(t)
    const first = await client.navigate(stack.url('app', DEEP_PATH))
    const redirect = await client.signIn(String(first.headers.location), gateway.sim, ALICE.login, ALICE.login)

    t.equal(redirect, stack.url('app', DEEP_PATH), 'the login page sends the browser back to the exact URL')
    const cookie = client.cookie('pushgate_session')
    t.ok(cookie, 'the session cookie is set')
    t.equal(cookie?.domain, TEST_DOMAIN)
    t.equal(cookie?.hostOnly, false, 'the cookie has a Domain attribute, so every subdomain gets it')
    t.equal(cookie?.secure, true)
    t.equal(cookie?.httpOnly, true)
    t.equal(cookie?.sameSite, 'lax')
  })

  t.test('signed-in request carries identity headers', async (t) => {
    const client = await alice()
    const answer = await client.navigate(stack.url('app', DEEP_PATH))

    t.equal(answer.status, 200)
    const echo = answer.json() as UpstreamEcho
    t.equal(echo.app, 'app')
    t.equal(echo.url, DEEP_PATH, 'the app gets the path and query as the browser sent them')
    t.equal(echo.identity['remote-user'], ALICE.login)
    t.equal(echo.identity['remote-email'], ALICE.login)
    t.equal(echo.identity['remote-name'], 'Alice Example')
    t.match(echo.identity['remote-groups'], /(^|,)Engineering(,|$)/)
    t.match(echo.identity['remote-groups'], /(^|,)Staging access(,|$)/)
  })

  t.test('second host needs no push', async (t) => {
    const client = await alice()
    const pushesBefore = (await gateway.sim.stats()).pushesReceived.total

    const answer = await client.navigate(stack.url('second', '/dashboard'))
    t.equal(answer.status, 200)
    t.equal((answer.json() as UpstreamEcho).app, 'second')
    t.equal((answer.json() as UpstreamEcho).identity['remote-user'], ALICE.login)
    t.equal((await gateway.sim.stats()).pushesReceived.total, pushesBefore, 'no push was sent')
  })

  t.test('forged identity headers never reach app', async (t) => {
    const aliceClient = await alice()
    const forged = { 'remote-user': 'mallory', 'remote-groups': 'admins', 'remote-email': 'mallory@evil.test', 'remote-name': 'Mallory' }
    const answer = await aliceClient.navigate(stack.url('app', '/'), forged)
    const echo = answer.json() as UpstreamEcho
    t.equal(echo.identity['remote-user'], ALICE.login)
    t.not(echo.identity['remote-groups'], 'admins')
    t.equal(echo.identity['remote-email'], ALICE.login)

    // Bob has no email address, so pushgate sends Remote-Email empty.
    const bobAnswer = await (await bob()).navigate(stack.url('app', '/'), forged)
    const bobEcho = bobAnswer.json() as UpstreamEcho
    t.equal(bobEcho.identity['remote-user'], BOB.login)
    t.equal(bobEcho.identity['remote-email'] ?? '', '', 'an empty Remote-Email from pushgate still removes the forged one')
    t.equal(bobEcho.identity['remote-name'], BOB.login, 'without a name in Okta, Remote-Name is the login')
    t.not(bobEcho.identity['remote-groups'], 'admins')
  })

  t.test('underscore identity headers never reach app', async (t) => {
    const client = await alice()
    for (const names of UNDERSCORE_IDENTITY_HEADERS) {
      const forged = Object.fromEntries(names.map((name) => [name, 'admin']))
      const answer = await client.navigate(stack.url('app', '/'), forged)
      t.equal(answer.status, 200, `${names.join(', ')}: the request reaches the app`)
      const echo = answer.json() as UpstreamEcho
      const smuggled = Object.keys(echo.headers).filter((name) => /^remote_/i.test(name))
      t.same(smuggled, [], `${names.join(', ')}: the app receives none of them`)
      t.equal(echo.identity['remote-user'], ALICE.login, `${names.join(', ')}: Remote-User is still pushgate's`)
    }
  })

  t.test('long URL redirects to login', async (t) => {
    const client = stack.client(t)
    const target = stack.url('app', LONG_PATH)
    t.ok(target.length > 6000, `the protected URL is ${target.length} characters`)
    const answer = await client.navigate(target)

    t.equal(answer.status, 302, `a browser navigation gets a redirect, not ${answer.status}`)
    assertLoginRedirect(t, stack, target, typeof answer.headers.location === 'string' ? answer.headers.location : undefined)
    t.notMatch(stack.proxy.output(), /too big header/, 'the proxy read the auth response\'s headers whole')
  })

  t.test('forged forwarded headers keep rd', async (t) => {
    const client = stack.client(t)
    const answer = await client.navigate(stack.url('app', '/real'), {
      'x-original-url': 'https://evil.test/steal',
      'x-forwarded-host': 'evil.test',
      'x-forwarded-uri': '/steal',
      'x-forwarded-proto': 'http'
    })
    t.equal(answer.status, 302)
    const rd = new URL(String(answer.headers.location)).searchParams.get('rd')
    t.equal(rd, stack.url('app', '/real'), 'rd comes from the proxy, not from the client')
  })

  t.test('POST body reaches app, not pushgate', async (t) => {
    const client = await alice()
    const started = Date.now()
    const answer = await client.request(stack.url('app', '/api/items'), {
      method: 'POST',
      headers: { ...FETCH_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'widget' })
    })
    t.equal(answer.status, 200)
    const echo = answer.json() as UpstreamEcho
    t.equal(echo.method, 'POST')
    t.equal(echo.body, '{"name":"widget"}', 'the app still gets the body')
    t.equal(echo.identity['remote-user'], ALICE.login)
    t.ok(Date.now() - started < 5_000, 'pushgate did not wait for a body it never gets')
  })

  t.test('HEAD with session passes', async (t) => {
    const client = await alice()
    const answer = await client.request(stack.url('app', '/'), { method: 'HEAD', headers: { accept: 'text/html' } })
    t.equal(answer.status, 200)
    t.equal(lastEcho(stack, 'app')?.method, 'HEAD')
  })

  t.test('WebSocket upgrade needs a session', async (t) => {
    const anonymous = await attemptWebSocket(stack.url('app', '/socket?room=1'), stack.certificates.caPem)
    t.equal(anonymous.status, 401, 'a WebSocket handshake without a session gets 401, not a redirect')

    const client = await alice()
    const url = stack.url('app', '/socket?room=1')
    const upgraded = await attemptWebSocket(url, stack.certificates.caPem, { cookie: client.cookieHeader(new URL(url)) })
    t.equal(upgraded.status, 101)
    t.ok(upgraded.acceptValid, 'Sec-WebSocket-Accept matches the key')
    const echo = JSON.parse(upgraded.firstMessage ?? '{}') as UpstreamEcho
    t.equal(echo.websocket, true)
    t.equal(echo.url, '/socket?room=1')
    t.equal(echo.identity['remote-user'], ALICE.login)
  })

  t.test('plain HTTP redirects to HTTPS', async (t) => {
    const response = await request(`http://127.0.0.1:${stack.proxy.httpPort}/reports?x=1`, { headers: { host: `app.${TEST_DOMAIN}` } })
    await response.body.dump()
    t.ok(response.statusCode === 301 || response.statusCode === 308, `answered ${response.statusCode}`)
    t.match(String(response.headers.location), new RegExp(`^https://app\\.${TEST_DOMAIN.replace('.', '\\.')}(:\\d+)?/reports\\?x=1$`))
  })

  t.test('logout clears every host', async (t) => {
    const client = await signedInClient(t, stack, ALICE.login)
    const rd = stack.url('app', '/')
    const answer = await client.navigate(stack.url('auth', `/logout?rd=${encodeURIComponent(rd)}`))

    t.equal(answer.status, 303)
    t.equal(answer.headers.location, rd)
    const setCookie = [answer.headers['set-cookie']].flat().join('\n')
    t.match(setCookie, /pushgate_session=;/)
    t.match(setCookie, new RegExp(`Domain=${TEST_DOMAIN.replace('.', '\\.')}`), 'the cookie is cleared for the domain it was set for')
    t.equal(client.cookie('pushgate_session'), undefined)

    t.equal((await client.navigate(stack.url('app', '/'))).status, 302)
    t.equal((await client.navigate(stack.url('second', '/'))).status, 302)
  })
}

/** Runs `make` on the first call and returns its promise on every call. */
function once<T> (make: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => {
    result ??= make()
    return result
  }
}
