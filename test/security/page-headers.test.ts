/**
 * Attacks on pushgate's own pages: clickjacking the "Send push" button in a hidden frame, script
 * injection, leaking `rd` and flow details through the Referer, and a shared cache serving one
 * person's login page or signed-in page to another. Every page and login answer must carry the
 * headers that stop these.
 */
import t from 'tap'
import { startGateway } from '../helpers/gateway.ts'
import { ManualClock, send, sessionCookieFor } from './helpers.ts'

/** Parses a Content-Security-Policy header into directive → sources. */
function parseCsp (header: unknown): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name !== undefined && name !== '') directives.set(name, sources)
  }
  return directives
}

t.test('login page is protected against framing, injection and referrer leaks', async (t) => {
  const gateway = await startGateway(t)
  const page = await send(gateway.url, '/login?rd=https%3A%2F%2F127.0.0.1%2Fsecret-path', { headers: { accept: 'text/html' } })
  t.equal(page.status, 200)

  const csp = parseCsp(page.headers['content-security-policy'])
  t.same(csp.get('default-src'), ["'none'"], 'default-src none: nothing loads unless allowed below')
  t.same(csp.get('script-src'), ["'self'"], 'scripts only from pushgate, no inline scripts')
  t.same(csp.get('style-src'), ["'self'"], 'styles only from pushgate')
  t.same(csp.get('frame-ancestors'), ["'none'"], 'no site may frame the page (clickjacking)')
  t.same(csp.get('base-uri'), ["'none'"], 'no <base> to redirect relative URLs')
  t.same(csp.get('connect-src'), ["'self'"], 'the script talks to pushgate only')
  for (const [name, sources] of csp) {
    t.notOk(sources.some((source) => ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:'].includes(source) && name !== 'img-src'), `${name} allows nothing unsafe`)
  }

  t.equal(page.headers['x-frame-options'], 'DENY', 'X-Frame-Options for browsers without frame-ancestors')
  t.equal(page.headers['referrer-policy'], 'no-referrer', 'no Referer leaves the page')
  t.equal(page.headers['x-content-type-options'], 'nosniff')
  t.match(String(page.headers['cache-control']), /no-store/, 'the login page is never cached')
  t.notMatch(page.body, /<script>|<script [^>]*>[^<]/, 'the page has no inline script')
  t.notMatch(page.body, / on[a-z]+="/, 'the page has no inline event handlers')
})

t.test('login JSON answers and signed-in pages are never cached', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const cookie = `${gateway.config.session.cookieName}=${await sessionCookieFor(gateway, { clock })}`

  const answers = {
    'GET /': await send(gateway.url, '/', { headers: { cookie } }),
    'GET / without a session': await send(gateway.url, '/'),
    'GET /login/status': await send(gateway.url, '/login/status'),
    'POST /login/push': await send(gateway.url, '/login/push', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    'GET /logout': await send(gateway.url, '/logout', { headers: { cookie } }),
    'GET /authz/forward-auth': await send(gateway.url, '/authz/forward-auth', { headers: { cookie } }),
    'GET /authz/auth-request': await send(gateway.url, '/authz/auth-request')
  }
  for (const [name, answer] of Object.entries(answers)) {
    t.match(String(answer.headers['cache-control']), /no-store/, `${name} (${answer.status}): Cache-Control no-store`)
  }
  const home = answers['GET /']
  t.equal(home.headers['x-frame-options'], 'DENY', 'the signed-in page cannot be framed either')
  t.same(parseCsp(home.headers['content-security-policy']).get('frame-ancestors'), ["'none'"])
})

t.test('page on https gets HSTS, page on http does not', async (t) => {
  const https = await startGateway(t, { publicUrl: (port) => `https://127.0.0.1:${port}` })
  const page = await send(https.url, '/login')
  t.match(String(page.headers['strict-transport-security']), /max-age=\d{7,}/, 'HSTS of at least months')

  const http = await startGateway(t)
  t.equal((await send(http.url, '/login')).headers['strict-transport-security'], undefined, 'no HSTS over http, where it would be ignored anyway')
})
