import t from 'tap'
import { request } from 'undici'
import { startGateway } from '../helpers/gateway.ts'
import { sealSession } from '../helpers/session.ts'

const NAVIGATION = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' }

/** Headers Traefik adds when it asks about GET https://app.example.test/docs?page=2 */
function forwarded (overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'x-forwarded-method': 'GET',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'app.example.test',
    'x-forwarded-uri': '/docs?page=2',
    'x-forwarded-for': '203.0.113.7',
    ...overrides
  }
}

const gatewayOptions = {
  publicUrl: () => 'https://auth.example.test',
  config: { session: { cookieDomain: 'example.test' } }
}

t.test('forward-auth', async (t) => {
  const gateway = await startGateway(t, gatewayOptions)
  const ask = async (headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET') => {
    const response = await request(`${gateway.url}/authz/forward-auth`, { method, headers })
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() }
  }
  const cookie = `pushgate_session=${await sealSession(gateway, 'alice@example.com')}`

  t.test('browser navigation without a session gets 302 to the login page with rd', async (t) => {
    const answer = await ask({ ...forwarded(), ...NAVIGATION })
    t.equal(answer.status, 302)
    const location = new URL(String(answer.headers.location))
    t.equal(location.origin + location.pathname, 'https://auth.example.test/login', 'Location is absolute')
    t.equal(location.searchParams.get('rd'), 'https://app.example.test/docs?page=2')
  })

  t.test('POST navigation without a session gets 303', async (t) => {
    const answer = await ask({ ...forwarded({ 'x-forwarded-method': 'POST' }), ...NAVIGATION })
    t.equal(answer.status, 303)
  })

  t.test('fetch without a session gets 401 JSON, not a redirect', async (t) => {
    const answer = await ask({ ...forwarded(), accept: '*/*', 'sec-fetch-mode': 'cors' })
    t.equal(answer.status, 401)
    t.equal(answer.headers.location, undefined)
    t.equal(JSON.parse(answer.body).error, 'unauthorized')
  })

  t.test('XMLHttpRequest with Accept text/html gets 401', async (t) => {
    const answer = await ask({ ...forwarded(), accept: 'text/html', 'x-requested-with': 'XMLHttpRequest' })
    t.equal(answer.status, 401)
  })

  t.test('curl without Accept gets 401', async (t) => {
    const answer = await ask(forwarded())
    t.equal(answer.status, 401)
  })

  t.test('client without Sec-Fetch-Mode but Accept text/html is a navigation', async (t) => {
    const answer = await ask({ ...forwarded(), accept: 'text/html' })
    t.equal(answer.status, 302)
  })

  t.test('HEAD without a session gets the redirect without a body', async (t) => {
    const answer = await ask({ ...forwarded(), ...NAVIGATION }, 'HEAD')
    t.equal(answer.status, 302)
    t.equal(answer.body, '')
    t.ok(answer.headers.location)
  })

  t.test('wss in X-Forwarded-Proto becomes https in rd', async (t) => {
    const answer = await ask({ ...forwarded({ 'x-forwarded-proto': 'wss' }), ...NAVIGATION })
    const rd = new URL(String(answer.headers.location)).searchParams.get('rd')
    t.equal(rd, 'https://app.example.test/docs?page=2')
  })

  t.test('ws in X-Forwarded-Proto becomes http in rd', async (t) => {
    const answer = await ask({ ...forwarded({ 'x-forwarded-proto': 'ws' }), ...NAVIGATION })
    const rd = new URL(String(answer.headers.location)).searchParams.get('rd')
    t.equal(rd, 'http://app.example.test/docs?page=2')
  })

  t.test('valid session gets 200 with all four identity headers', async (t) => {
    const answer = await ask({ ...forwarded(), cookie })
    t.equal(answer.status, 200)
    t.equal(answer.headers['remote-user'], 'alice@example.com')
    t.equal(answer.headers['remote-email'], 'alice@example.com')
    t.equal(answer.headers['remote-name'], 'Test Person')
    t.equal(answer.headers['remote-groups'], 'Engineering')
  })

  t.test('HEAD with a valid session gets 200 without a body', async (t) => {
    const answer = await ask({ ...forwarded(), cookie }, 'HEAD')
    t.equal(answer.status, 200)
    t.equal(answer.body, '')
    t.equal(answer.headers['remote-user'], 'alice@example.com')
  })

  t.test('identity headers are present and empty when the profile has no email', async (t) => {
    const noEmail = `pushgate_session=${await sealSession(gateway, 'alice@example.com', { email: '', groups: [] })}`
    const answer = await ask({ ...forwarded(), cookie: noEmail })
    t.equal(answer.status, 200)
    t.equal(answer.headers['remote-email'], '')
    t.equal(answer.headers['remote-groups'], '')
  })

  t.test('session of a login no longer in users gets 403', async (t) => {
    const mallory = `pushgate_session=${await sealSession(gateway, 'mallory@example.com')}`
    const answer = await ask({ ...forwarded(), ...NAVIGATION, cookie: mallory })
    t.equal(answer.status, 403)
  })

  t.test('expired session is not signed in', async (t) => {
    const expired = `pushgate_session=${await sealSession(gateway, 'alice@example.com', { expiresAtMs: Date.now() - 1000 })}`
    const answer = await ask({ ...forwarded(), ...NAVIGATION, cookie: expired })
    t.equal(answer.status, 302)
  })

  t.test('tampered cookie gets 401, not an error', async (t) => {
    const value = cookie.slice(0, 60) + (cookie[60] === 'a' ? 'b' : 'a') + cookie.slice(61)
    const answer = await ask({ ...forwarded(), cookie: value })
    t.equal(answer.status, 401)
  })

  t.test('answers are never cached', async (t) => {
    const answer = await ask({ ...forwarded(), cookie })
    t.equal(answer.headers['cache-control'], 'no-store')
  })
})

t.test('auth-request (nginx)', async (t) => {
  const gateway = await startGateway(t, gatewayOptions)
  const ask = async (headers: Record<string, string>) => {
    const response = await request(`${gateway.url}/authz/auth-request`, { headers })
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() }
  }
  const original = { 'x-original-url': 'https://app.example.test/reports?year=2026', 'x-original-method': 'GET' }

  t.test('browser navigation gets 401 with Location, never a redirect', async (t) => {
    const answer = await ask({ ...original, ...NAVIGATION })
    t.equal(answer.status, 401)
    const location = new URL(String(answer.headers.location))
    t.equal(location.searchParams.get('rd'), 'https://app.example.test/reports?year=2026')
  })

  t.test('fetch gets 401 without Location', async (t) => {
    const answer = await ask({ ...original, accept: 'application/json', 'sec-fetch-mode': 'cors' })
    t.equal(answer.status, 401)
    t.equal(answer.headers.location, undefined)
  })

  t.test('POST navigation still gets 401, never 303', async (t) => {
    const answer = await ask({ ...original, 'x-original-method': 'POST', ...NAVIGATION })
    t.equal(answer.status, 401)
  })

  t.test('falls back to X-Forwarded-* without X-Original-URL', async (t) => {
    const answer = await ask({ ...forwarded(), ...NAVIGATION })
    t.equal(answer.status, 401)
    t.equal(new URL(String(answer.headers.location)).searchParams.get('rd'), 'https://app.example.test/docs?page=2')
  })

  t.test('valid session gets 200 with identity headers', async (t) => {
    const cookie = `pushgate_session=${await sealSession(gateway, 'alice@example.com')}`
    const answer = await ask({ ...original, cookie })
    t.equal(answer.status, 200)
    t.equal(answer.headers['remote-user'], 'alice@example.com')
    t.equal(answer.headers['remote-groups'], 'Engineering')
  })

  t.test('malformed X-Original-URL is denied with 403', async (t) => {
    const cookie = `pushgate_session=${await sealSession(gateway, 'alice@example.com')}`
    const answer = await ask({ 'x-original-url': 'not a url', cookie })
    t.equal(answer.status, 403)
  })
})

t.test('forwarded headers from an untrusted address are ignored', async (t) => {
  const gateway = await startGateway(t, { ...gatewayOptions, config: { ...gatewayOptions.config, server: { trustedProxies: ['10.0.0.0/8'] } } })
  const response = await request(`${gateway.url}/authz/forward-auth`, { headers: { ...forwarded({ 'x-forwarded-host': 'evil.example.net' }), ...NAVIGATION } })
  t.equal(response.statusCode, 302)
  const location = new URL(String(response.headers.location))
  t.equal(location.searchParams.get('rd'), null, 'the forged host does not reach rd')
  await response.body.dump()
  t.ok(gateway.logs.some((line) => String(line.msg).includes('outside server.trustedProxies')), 'the log names the setting')
})

t.test('routes live under the path of publicUrl', async (t) => {
  const gateway = await startGateway(t, { publicUrl: (port) => `http://127.0.0.1:${port}/.pushgate` })
  const response = await request(`${gateway.url}/.pushgate/authz/forward-auth`, { headers: { ...NAVIGATION, 'x-forwarded-host': '127.0.0.1:8080', 'x-forwarded-uri': '/' } })
  t.equal(response.statusCode, 302)
  t.match(String(response.headers.location), /^http:\/\/127\.0\.0\.1:\d+\/\.pushgate\/login\?rd=/)
  await response.body.dump()
  const root = await request(`${gateway.url}/authz/forward-auth`)
  t.equal(root.statusCode, 404, 'nothing is served outside the prefix')
  await root.body.dump()
})

t.test('any method, with or without a body', async (t) => {
  const gateway = await startGateway(t, gatewayOptions)
  const cookie = `pushgate_session=${await sealSession(gateway, 'alice@example.com')}`
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS'] as const) {
    t.test(`${method} forward-auth navigation without a session gets 303`, async (t) => {
      const response = await request(`${gateway.url}/authz/forward-auth`, {
        method,
        headers: { ...forwarded({ 'x-forwarded-method': method }), ...NAVIGATION, 'content-type': 'application/json' },
        body: '{"not": "parsed'
      })
      await response.body.dump()
      t.equal(response.statusCode, 303)
    })
    t.test(`${method} auth-request with a session gets 200`, async (t) => {
      const response = await request(`${gateway.url}/authz/auth-request`, {
        method,
        headers: { 'x-original-url': 'https://app.example.test/', 'x-original-method': method, cookie, 'content-type': 'text/plain' },
        body: 'x'.repeat(100_000)
      })
      await response.body.dump()
      t.equal(response.statusCode, 200)
      t.equal(response.headers['remote-user'], 'alice@example.com')
    })
  }
})

t.test('very long original URL keeps Location small', async (t) => {
  const gateway = await startGateway(t, gatewayOptions)
  const uri = '/reports?q=' + '%2F'.repeat(2000)
  const response = await request(`${gateway.url}/authz/auth-request`, {
    headers: { 'x-original-url': `https://app.example.test${uri}`, ...NAVIGATION }
  })
  await response.body.dump()
  t.equal(response.statusCode, 401)
  const location = String(response.headers.location)
  t.ok(location.length < 2200, 'nginx\'s 4 KiB header buffer still fits the answer')
  t.equal(new URL(location).searchParams.get('rd'), 'https://app.example.test/reports', 'the query is dropped first')
})

t.test('signed-in login no longer in users sees an explanation and a sign-out link', async (t) => {
  const gateway = await startGateway(t, gatewayOptions)
  const cookie = `pushgate_session=${await sealSession(gateway, '<b>mallory</b>@example.com')}`
  const response = await request(`${gateway.url}/authz/forward-auth`, { headers: { ...forwarded(), ...NAVIGATION, cookie } })
  const body = await response.body.text()
  t.equal(response.statusCode, 403)
  t.match(String(response.headers['content-type']), 'text/html')
  t.match(body, '&lt;b&gt;mallory&lt;/b&gt;@example.com', 'the login is escaped')
  t.match(body, 'href="https://auth.example.test/logout"')
  t.ok(Buffer.byteLength(body) < 8192, 'under Traefik\'s maxResponseBodySize')
})
