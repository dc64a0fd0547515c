/**
 * pushgate against Traefik's ForwardAuth contract. No Traefik binary runs here, so each test
 * builds the request Traefik v2 or v3 sends for a client request, sends it to a real pushgate, and
 * applies pushgate's response as Traefik does. test/helpers/traefik.ts names the Traefik sources.
 * The middleware settings come from the shipped configs: the docker labels in docker-compose.yml
 * and the file-provider examples/traefik/dynamic/pushgate.yml.
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
  applyAuthResponse, applyEntryPoint, buildSideRequest, forwardAuthFromLabels, toRequestHeaders,
  type AuthResponse, type ClientRequest, type ForwardAuthSettings, type TraefikBehaviour, type TraefikOutcome
} from '../helpers/traefik.ts'
import { NAVIGATION_HEADERS, FETCH_HEADERS } from '../helpers/proxy-client.ts'

const IDENTITY = ['Remote-User', 'Remote-Email', 'Remote-Name', 'Remote-Groups']
const CLIENT_IP = '203.0.113.7'

/** Both trustForwardHeader behaviours: before and after Traefik v2.11.43 and v3.6.14. */
const BEHAVIOURS: TraefikBehaviour[] = ['legacy', 'current']

interface FileProviderConfig {
  http: { middlewares: Record<string, { forwardAuth: ForwardAuthSettings }> }
}

interface ComposeFile {
  services: Record<string, { labels?: string[] }>
}

const fileSettings = (parse(readExample('traefik/dynamic/pushgate.yml')) as FileProviderConfig).http.middlewares.pushgate?.forwardAuth
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as ComposeFile
const labelSettings = forwardAuthFromLabels(compose.services.pushgate?.labels ?? [], 'pushgate')

t.test('shipped ForwardAuth settings', async (t) => {
  t.ok(fileSettings, 'the file provider example defines the pushgate middleware')
  for (const [source, settings] of [['file provider', fileSettings], ['docker labels', labelSettings]] as const) {
    t.equal(new URL(settings?.address ?? 'http://invalid').pathname, '/authz/forward-auth', `${source}: address is the ForwardAuth endpoint`)
    t.same(settings?.authResponseHeaders, IDENTITY, `${source}: authResponseHeaders lists the four identity headers`)
    t.equal(settings?.trustForwardHeader, true, `${source}: trustForwardHeader is set`)
    t.equal(settings?.maxResponseBodySize, 8192, `${source}: maxResponseBodySize caps pushgate's responses`)
  }
  t.equal(new URL(labelSettings.address).host, 'pushgate:9091', 'the label address names the compose service and its port')
})

const gateway = await startGateway(t, {
  publicUrl: () => 'https://auth.example.test',
  config: { session: { cookieDomain: 'example.test' }, defaultRedirectUrl: 'https://app.example.test/' }
})
const pushgate = new URL(gateway.url)

/** Returns the shipped settings pointed at the test's pushgate: only host and port change. */
function shipped (overrides: Partial<ForwardAuthSettings> = {}): ForwardAuthSettings {
  const address = new URL(labelSettings.address)
  address.host = pushgate.host
  return { ...labelSettings, address: address.href, ...overrides }
}

async function sessionCookie (target: RunningGateway, login = ALICE.login): Promise<string> {
  const { config } = target
  const sealer = new SessionSealer({ secrets: config.session.secrets, lifetimeMs: config.session.lifetimeMs, clock: systemClock })
  const { session } = sealer.createSession({ login, email: login, name: 'Alice Example', groups: ['Engineering', 'Staging access'] })
  return `${config.session.cookieName}=${await sealer.seal(session)}`
}

interface Exchange {
  sent: ReturnType<typeof buildSideRequest>
  authResponse: AuthResponse
  outcome: TraefikOutcome
}

/** Runs one client request through the entry point and ForwardAuth against pushgate. */
async function throughTraefik (client: ClientRequest, settings: ForwardAuthSettings, behaviour: TraefikBehaviour, entryPoint: { insecure?: boolean } = {}): Promise<Exchange> {
  const entryHeaders = applyEntryPoint(client, entryPoint)
  const sent = buildSideRequest(client, entryHeaders, settings, behaviour)
  const response = await request(sent.url, { method: sent.method, headers: toRequestHeaders(sent.headers) })
  const authResponse = { status: response.statusCode, headers: response.headers, body: await response.body.text() }
  return { sent, authResponse, outcome: applyAuthResponse(entryHeaders, authResponse, settings) }
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
