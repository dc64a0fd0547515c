/**
 * pushgate against Traefik's ForwardAuth contract. No Traefik binary runs here, so each test
 * builds the request Traefik v2 or v3 sends for a client request, sends it to a real pushgate, and
 * applies pushgate's response as Traefik does. test/helpers/traefik.ts names the Traefik sources.
 * The middlewares come from the shipped configs: the docker labels in docker-compose.yml and the
 * file-provider examples/traefik/dynamic/pushgate.yml, each run in the order its router runs them.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { request } from 'undici'
import { parse } from 'yaml'
import { systemClock } from '../../src/clock.ts'
import { SessionSealer } from '../../src/session/sealer.ts'
import { ALICE, startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { readExample } from '../helpers/proxies.ts'
import {
  applyAuthResponse, applyCustomRequestHeaders, applyEntryPoint, buildSideRequest, canonicalHeaderKey, middlewaresFromLabels,
  resolveMiddlewares, toRequestHeaders,
  type AuthResponse, type ClientRequest, type ForwardAuthSettings, type Middleware, type MiddlewareConfig, type SideRequest,
  type TraefikBehaviour, type TraefikOutcome
} from '../helpers/traefik.ts'
import { NAVIGATION_HEADERS, FETCH_HEADERS } from '../helpers/proxy-client.ts'
import { UNDERSCORE_IDENTITY_HEADERS } from '../helpers/proxy-scenarios.ts'

const IDENTITY = ['Remote-User', 'Remote-Email', 'Remote-Name', 'Remote-Groups']
const CLIENT_IP = '203.0.113.7'

/** Both trustForwardHeader behaviours: before and after Traefik v2.11.43 and v3.6.14. */
const BEHAVIOURS: TraefikBehaviour[] = ['legacy', 'current']

interface FileProviderConfig {
  http: {
    middlewares: Record<string, MiddlewareConfig>
    routers: Record<string, { middlewares?: string[] }>
  }
}

interface ComposeFile {
  services: Record<string, { labels?: string[] }>
}

/** The middlewares of one protected router in a shipped config, in the order Traefik runs them. */
interface ProtectedRouter {
  source: string
  middlewares: Middleware[]
}

const fileConfig = parse(readExample('traefik/dynamic/pushgate.yml')) as FileProviderConfig
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as ComposeFile
const whoamiMiddlewares = (compose.services.whoami?.labels ?? [])
  .find((label) => label.startsWith('traefik.http.routers.whoami.middlewares='))
  ?.split('=')[1]?.split(',') ?? []

const PROTECTED_ROUTERS: ProtectedRouter[] = [
  {
    source: 'docker labels, router whoami',
    middlewares: resolveMiddlewares(whoamiMiddlewares, middlewaresFromLabels(compose.services.pushgate?.labels ?? []))
  },
  ...Object.entries(fileConfig.http.routers)
    .filter(([, router]) => (router.middlewares ?? []).length > 0)
    .map(([name, router]) => ({ source: `file provider, router ${name}`, middlewares: resolveMiddlewares(router.middlewares ?? [], fileConfig.http.middlewares) }))
]
const LABEL_ROUTER = PROTECTED_ROUTERS[0]!

function forwardAuthOf (router: ProtectedRouter): ForwardAuthSettings {
  const found = router.middlewares.find((middleware) => middleware.kind === 'forwardAuth')
  if (found?.kind !== 'forwardAuth') throw new Error(`${router.source} runs no ForwardAuth middleware`)
  return found.settings
}

const labelSettings = forwardAuthOf(LABEL_ROUTER)

t.test('shipped ForwardAuth settings', async (t) => {
  t.same(PROTECTED_ROUTERS.map((router) => router.source), ['docker labels, router whoami', 'file provider, router app', 'file provider, router second'])
  for (const router of PROTECTED_ROUTERS) {
    const { source } = router
    t.equal(router.middlewares.filter((middleware) => middleware.kind === 'forwardAuth').length, 1, `${source}: one ForwardAuth middleware runs`)
    const settings = forwardAuthOf(router)
    t.equal(new URL(settings.address).pathname, '/authz/forward-auth', `${source}: address is the ForwardAuth endpoint`)
    t.same(settings.authResponseHeaders, IDENTITY, `${source}: authResponseHeaders lists the four identity headers`)
    t.equal(settings.trustForwardHeader, true, `${source}: trustForwardHeader is set`)
    t.equal(settings.maxResponseBodySize, 8192, `${source}: maxResponseBodySize caps pushgate's responses`)
  }
  t.equal(new URL(labelSettings.address).host, 'pushgate:9091', 'the label address names the compose service and its port')
})

t.test('underscore headers deleted before ForwardAuth', async (t) => {
  // authResponseHeaders deletes only the hyphenated names, but CGI, WSGI and PHP apps read
  // Remote_User as Remote-User.
  for (const router of PROTECTED_ROUTERS) {
    const authIndex = router.middlewares.findIndex((middleware) => middleware.kind === 'forwardAuth')
    for (const name of ['Remote_User', 'Remote_Email', 'Remote_Name', 'Remote_Groups']) {
      const deleteIndex = router.middlewares.findIndex((middleware) => middleware.kind === 'headers' &&
        Object.entries(middleware.customRequestHeaders).some(([key, value]) => canonicalHeaderKey(key) === canonicalHeaderKey(name) && value === ''))
      t.ok(deleteIndex !== -1, `${router.source}: a headers middleware deletes ${name}`)
      t.ok(deleteIndex < authIndex, `${router.source}: ${name} is deleted before ForwardAuth runs`)
    }
  }
})

const gateway = await startGateway(t, {
  publicUrl: () => 'https://auth.example.test',
  config: { session: { cookieDomain: 'example.test' }, defaultRedirectUrl: 'https://app.example.test/' }
})
const pushgate = new URL(gateway.url)

/**
 * Returns a protected router's shipped middlewares with ForwardAuth pointed at the test's
 * pushgate (only host and port change) and `overrides` applied to its settings.
 */
function shipped (overrides: Partial<ForwardAuthSettings> = {}, router: ProtectedRouter = LABEL_ROUTER): Middleware[] {
  return router.middlewares.map((middleware) => {
    if (middleware.kind !== 'forwardAuth') return middleware
    const address = new URL(middleware.settings.address)
    address.host = pushgate.host
    return { ...middleware, settings: { ...middleware.settings, address: address.href, ...overrides } }
  })
}

async function sessionCookie (target: RunningGateway, login = ALICE.login): Promise<string> {
  const { config } = target
  const sealer = new SessionSealer({ secrets: config.session.secrets, lifetimeMs: config.session.lifetimeMs, clock: systemClock })
  const { session } = sealer.createSession({ login, email: login, name: 'Alice Example', groups: ['Engineering', 'Staging access'] })
  return `${config.session.cookieName}=${await sealer.seal(session)}`
}

interface Exchange {
  sent: SideRequest
  authResponse: AuthResponse
  outcome: TraefikOutcome
}

/**
 * Runs one client request through the entry point and `middlewares` against pushgate, up to and
 * including the ForwardAuth middleware (the shipped chains end with it).
 */
async function throughTraefik (client: ClientRequest, middlewares: Middleware[], behaviour: TraefikBehaviour, entryPoint: { insecure?: boolean } = {}): Promise<Exchange> {
  const headers = applyEntryPoint(client, entryPoint)
  for (const middleware of middlewares) {
    if (middleware.kind === 'headers') {
      applyCustomRequestHeaders(headers, middleware.customRequestHeaders)
      continue
    }
    const sent = buildSideRequest(client, headers, middleware.settings, behaviour)
    const response = await request(sent.url, { method: sent.method, headers: toRequestHeaders(sent.headers), body: sent.body ?? null })
    const authResponse = { status: response.statusCode, headers: response.headers, body: await response.body.text() }
    return { sent, authResponse, outcome: applyAuthResponse(headers, authResponse, middleware.settings) }
  }
  throw new Error('the middlewares include no ForwardAuth')
}

function browser (url: string, headers: Record<string, string> = {}, method = 'GET'): ClientRequest {
  return { method, url, headers: { ...NAVIGATION_HEADERS, 'user-agent': 'Mozilla/5.0', ...headers }, remoteAddress: CLIENT_IP }
}

function loginTarget (outcome: TraefikOutcome): string | null {
  if (outcome.kind !== 'respond') return null
  const location = outcome.headers.get('Location')?.[0]
  return location === undefined ? null : new URL(location).searchParams.get('rd')
}

for (const behaviour of BEHAVIOURS) {
  t.test(`Traefik with ${behaviour} trustForwardHeader behaviour`, async (t) => {
    t.test('side request is bodiless GET', async (t) => {
      const client = browser('https://app.example.test/upload?x=1', { 'content-type': 'text/plain', 'content-length': '5' }, 'PUT')
      client.body = 'hello'
      const { sent } = await throughTraefik(client, shipped(), behaviour)
      t.equal(sent.method, 'GET')
      t.equal(sent.body, undefined)
      t.same(sent.headers.get('X-Forwarded-Method'), ['PUT'])
      t.same(sent.headers.get('X-Forwarded-Uri'), ['/upload?x=1'])
      t.same(sent.headers.get('X-Forwarded-Host'), ['app.example.test'])
      t.same(sent.headers.get('X-Forwarded-Proto'), ['https'])
    })

    t.test('navigation gets absolute 302', async (t) => {
      const url = 'https://app.example.test/reports/q3?sort=desc&name=a%20b'
      const { authResponse, outcome } = await throughTraefik(browser(url), shipped(), behaviour)

      t.equal(authResponse.status, 302)
      t.match(String(authResponse.headers.location), /^https:\/\/auth\.example\.test\/login\?rd=/, 'pushgate sends an absolute Location, which Traefik leaves as it is')
      t.equal(outcome.kind, 'respond')
      if (outcome.kind !== 'respond') return
      t.equal(outcome.status, 302)
      t.same(outcome.headers.get('Location'), [authResponse.headers.location], 'the browser gets pushgate\'s Location unchanged')
      t.equal(loginTarget(outcome), url)
      t.ok(Buffer.byteLength(authResponse.body) <= 8192, 'the response fits maxResponseBodySize')
    })

    t.test('form POST navigation gets 303', async (t) => {
      const { outcome } = await throughTraefik(browser('https://app.example.test/form', {}, 'POST'), shipped(), behaviour)
      t.equal(outcome.kind === 'respond' ? outcome.status : 0, 303)
    })

    t.test('fetch without session gets 401', async (t) => {
      const client: ClientRequest = { method: 'GET', url: 'https://app.example.test/api/items', headers: { ...FETCH_HEADERS }, remoteAddress: CLIENT_IP }
      const { authResponse, outcome } = await throughTraefik(client, shipped(), behaviour)
      t.equal(outcome.kind === 'respond' ? outcome.status : 0, 401)
      t.equal(authResponse.headers.location, undefined)
      t.equal(JSON.parse(authResponse.body).error, 'unauthorized')
      t.ok(Buffer.byteLength(authResponse.body) <= 8192, 'the response fits maxResponseBodySize')
    })

    t.test('signed-in request gets identity headers', async (t) => {
      const forged = { 'remote-user': 'mallory', 'remote-groups': 'admins', 'remote-email': 'mallory@evil.test', 'remote-name': 'Mallory', cookie: await sessionCookie(gateway) }
      const { authResponse, outcome } = await throughTraefik(browser('https://app.example.test/', forged), shipped(), behaviour)

      t.equal(authResponse.status, 200)
      t.equal(authResponse.headers['set-cookie'], undefined, 'pushgate needs no Set-Cookie on 200, which Traefik would drop')
      t.equal(outcome.kind, 'forward')
      if (outcome.kind !== 'forward') return
      t.same(outcome.requestHeaders.get('Remote-User'), [ALICE.login])
      t.same(outcome.requestHeaders.get('Remote-Email'), [ALICE.login])
      t.same(outcome.requestHeaders.get('Remote-Name'), ['Alice Example'])
      t.same(outcome.requestHeaders.get('Remote-Groups'), ['Engineering,Staging access'])
    })

    t.test('WebSocket wss maps to https', async (t) => {
      const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }
      const url = 'https://app.example.test/socket?room=1'

      const fromBrowser = await throughTraefik({ method: 'GET', url, headers: { ...upgrade, 'sec-fetch-mode': 'websocket' }, remoteAddress: CLIENT_IP }, shipped(), behaviour)
      t.same(fromBrowser.sent.headers.get('X-Forwarded-Proto'), ['wss'], 'with trustForwardHeader Traefik passes on the entry point\'s wss')
      t.equal(fromBrowser.sent.headers.get('Upgrade'), undefined, 'Upgrade is hop-by-hop and not sent to pushgate')
      t.equal(fromBrowser.outcome.kind === 'respond' ? fromBrowser.outcome.status : 0, 401, 'a browser WebSocket without a session gets 401')

      // A client that sends Accept: text/html on an upgrade counts as a navigation; its rd must be https.
      const asNavigation = await throughTraefik(browser(url, upgrade), shipped(), behaviour)
      t.equal(loginTarget(asNavigation.outcome), url, 'rd uses https, not wss')

      const signedIn = await throughTraefik({ method: 'GET', url, headers: { ...upgrade, 'sec-fetch-mode': 'websocket', cookie: await sessionCookie(gateway) }, remoteAddress: CLIENT_IP }, shipped(), behaviour)
      t.equal(signedIn.outcome.kind, 'forward', 'a signed-in WebSocket upgrade goes on')
    })

    t.test('entry point strips forged headers', async (t) => {
      const forged = { 'x-forwarded-host': 'evil.test', 'x-forwarded-uri': '/steal', 'x-forwarded-proto': 'http', 'x-forwarded-method': 'DELETE' }
      const { sent, outcome } = await throughTraefik(browser('https://app.example.test/real', forged), shipped(), behaviour)
      t.same(sent.headers.get('X-Forwarded-Host'), ['app.example.test'])
      t.equal(loginTarget(outcome), 'https://app.example.test/real')
    })

    t.test('trustForwardHeader off overwrites forgeries', async (t) => {
      const forged = { 'x-forwarded-host': 'evil.test', 'x-forwarded-uri': '/steal', 'x-forwarded-proto': 'http', 'x-forwarded-method': 'DELETE' }
      const { sent, outcome } = await throughTraefik(browser('https://app.example.test/real', forged), shipped({ trustForwardHeader: false }), behaviour, { insecure: true })
      t.same(sent.headers.get('X-Forwarded-Host'), ['app.example.test'])
      t.same(sent.headers.get('X-Forwarded-Uri'), ['/real'])
      t.same(sent.headers.get('X-Forwarded-Method'), ['GET'])
      t.equal(loginTarget(outcome), 'https://app.example.test/real')
    })
  })
}

t.test('forged host cannot leave cookie domain', async (t) => {
  // An entry point that trusts every client together with trustForwardHeader: true lets a forged
  // X-Forwarded-Host through. pushgate puts it in rd, but the login page checks rd again.
  const { outcome } = await throughTraefik(browser('https://app.example.test/', { 'x-forwarded-host': 'evil.test' }), shipped(), 'current', { insecure: true })
  const location = outcome.kind === 'respond' ? outcome.headers.get('Location')?.[0] : undefined
  t.ok(location, 'pushgate sends the browser to the login page')

  const loginPath = new URL(location ?? 'https://auth.example.test/').pathname + new URL(location ?? 'https://auth.example.test/').search
  const page = await request(new URL(loginPath, gateway.url), { headers: { accept: 'text/html' } })
  const html = await page.body.text()
  t.match(html, /name="rd" value="https:\/\/app\.example\.test\/"/, 'the login page falls back to defaultRedirectUrl')
  t.notMatch(html, /evil\.test/)
})

t.test('removed user gets 403 through Traefik', async (t) => {
  // A second pushgate with the same session secret whose users list lacks alice.
  const other = await startGateway(t, {
    oktaUsers: [ALICE, { login: 'bob@example.com', pushFactor: 'active' }],
    logins: ['bob@example.com'],
    publicUrl: () => 'https://auth.example.test',
    config: { session: { cookieDomain: 'example.test' } }
  })
  const address = new URL(labelSettings.address)
  address.host = new URL(other.url).host
  const { authResponse, outcome } = await throughTraefik(browser('https://app.example.test/', { cookie: await sessionCookie(other) }), shipped({ address: address.href }), 'current')
  t.equal(authResponse.status, 403)
  t.equal(outcome.kind === 'respond' ? outcome.status : 0, 403)
  t.ok(Buffer.byteLength(authResponse.body) <= 8192)
})

t.test('HEAD from a method-preserving proxy gets no body', async (t) => {
  // Traefik v3.4+ with preserveRequestMethod, and HAProxy's Lua script, ask with the client's method.
  const response = await request(new URL('/authz/forward-auth', gateway.url), {
    method: 'HEAD',
    headers: { ...NAVIGATION_HEADERS, 'x-forwarded-method': 'HEAD', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.test', 'x-forwarded-uri': '/' }
  })
  t.equal(response.statusCode, 302)
  t.equal(await response.body.text(), '')
})

t.test('underscore identity headers never reach app', async (t) => {
  const cookie = await sessionCookie(gateway)
  for (const router of PROTECTED_ROUTERS) {
    for (const names of UNDERSCORE_IDENTITY_HEADERS) {
      const forged = Object.fromEntries(names.map((name) => [name, 'admin']))
      const { outcome } = await throughTraefik(browser('https://app.example.test/', { ...forged, cookie }), shipped({}, router), 'current')
      t.equal(outcome.kind, 'forward', `${router.source}, ${names.join(', ')}: the request goes on`)
      if (outcome.kind !== 'forward') continue
      const smuggled = [...outcome.requestHeaders.keys()].filter((name) => /^remote_/i.test(name))
      t.same(smuggled, [], `${router.source}, ${names.join(', ')}: the app receives none of them`)
      t.same(outcome.requestHeaders.get('Remote-User'), [ALICE.login], `${router.source}, ${names.join(', ')}: Remote-User is pushgate's`)
    }
  }
})

/** A multipart form body with one field, as a browser sends it with boundary `pushgate`. */
const MULTIPART_BODY = '--pushgate\r\nContent-Disposition: form-data; name="name"\r\n\r\nwidget\r\n--pushgate--\r\n'

/**
 * Client requests that Traefik with preserveRequestMethod (v3.4 or later) passes to pushgate with
 * their own method, and the status pushgate must return when the request carries no session.
 */
const METHOD_CASES: Array<{ name: string, method: string, headers: Record<string, string>, body?: string, anonymousStatus: number }> = [
  { name: 'form POST navigation', method: 'POST', headers: { ...NAVIGATION_HEADERS, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=widget', anonymousStatus: 303 },
  { name: 'multipart POST navigation', method: 'POST', headers: { ...NAVIGATION_HEADERS, 'content-type': 'multipart/form-data; boundary=pushgate' }, body: MULTIPART_BODY, anonymousStatus: 303 },
  { name: 'JSON POST fetch', method: 'POST', headers: { ...FETCH_HEADERS, 'content-type': 'application/json' }, body: '{"name":"widget"}', anonymousStatus: 401 },
  { name: 'invalid JSON POST fetch', method: 'POST', headers: { ...FETCH_HEADERS, 'content-type': 'application/json' }, body: '{"name":', anonymousStatus: 401 },
  { name: 'POST fetch without body', method: 'POST', headers: { ...FETCH_HEADERS }, anonymousStatus: 401 },
  { name: 'PUT fetch', method: 'PUT', headers: { ...FETCH_HEADERS, 'content-type': 'text/plain' }, body: 'hello', anonymousStatus: 401 },
  { name: 'PATCH fetch', method: 'PATCH', headers: { ...FETCH_HEADERS, 'content-type': 'application/merge-patch+json' }, body: '{}', anonymousStatus: 401 },
  { name: 'DELETE fetch', method: 'DELETE', headers: { ...FETCH_HEADERS }, anonymousStatus: 401 },
  { name: 'OPTIONS preflight', method: 'OPTIONS', headers: { origin: 'https://other.example.test', 'access-control-request-method': 'POST', 'sec-fetch-mode': 'cors' }, anonymousStatus: 401 }
]

t.test('preserveRequestMethod answers like GET', async (t) => {
  const cookie = await sessionCookie(gateway)
  for (const testCase of METHOD_CASES) {
    t.test(testCase.name, async (t) => {
      for (const signedIn of [false, true]) {
        const headers: Record<string, string> = { ...testCase.headers, 'user-agent': 'Mozilla/5.0' }
        if (testCase.body !== undefined) headers['content-length'] = String(Buffer.byteLength(testCase.body))
        if (signedIn) headers.cookie = cookie
        const client: ClientRequest = { method: testCase.method, url: 'https://app.example.test/items?x=1', headers, remoteAddress: CLIENT_IP }
        if (testCase.body !== undefined) client.body = testCase.body
        const viaGet = await throughTraefik(client, shipped(), 'current')

        for (const forwardBody of [false, true]) {
          const label = `${signedIn ? 'signed in' : 'anonymous'}, forwardBody ${String(forwardBody)}`
          const viaMethod = await throughTraefik(client, shipped({ preserveRequestMethod: true, forwardBody }), 'current')
          t.equal(viaMethod.sent.method, testCase.method, `${label}: pushgate is asked with the client's method`)
          t.equal(viaMethod.sent.body, forwardBody ? testCase.body : undefined, `${label}: the body goes to pushgate only with forwardBody`)

          t.equal(viaMethod.authResponse.status, signedIn ? 200 : testCase.anonymousStatus, `${label}: status`)
          t.equal(viaMethod.authResponse.status, viaGet.authResponse.status, `${label}: same status as for a GET`)
          t.equal(viaMethod.authResponse.headers.location, viaGet.authResponse.headers.location, `${label}: same Location as for a GET`)
          t.equal(viaMethod.authResponse.body, viaGet.authResponse.body, `${label}: same body as for a GET`)
          t.equal(viaMethod.outcome.kind, signedIn ? 'forward' : 'respond', `${label}: Traefik ${signedIn ? 'lets the request on' : 'answers the client'}`)
          if (viaMethod.outcome.kind === 'forward' && viaGet.outcome.kind === 'forward') {
            for (const name of IDENTITY) {
              t.same(viaMethod.outcome.requestHeaders.get(name), viaGet.outcome.requestHeaders.get(name), `${label}: same ${name} as for a GET`)
            }
            t.same(viaMethod.outcome.requestHeaders.get('Remote-User'), [ALICE.login], `${label}: Remote-User is the session's login`)
          }
        }
      }
    })
  }
})
