/**
 * Cross-site request forgery: a page on another site makes the victim's browser start pushes
 * (bombing the victim with their own cookies) or cancel the push they are waiting for. Two checks
 * stand in the way: the Origin (or Referer) must be pushgate's own, and the CSRF token must match
 * the CSRF cookie of the same browser. Each case below passes one check and fails the other, so
 * removing either check turns its cases red.
 */
import t from 'tap'
import { BrowserClient } from '../helpers/browser-client.ts'
import { startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { send } from './helpers.ts'

interface ForgedRequest {
  name: string
  /** Headers besides the cookies; `token` is replaced by the victim's CSRF token. */
  headers: (context: { origin: string, token: string, otherToken: string }) => Record<string, string>
  body?: string
  /** Cookies to send: the victim's own (default) or none. */
  cookies?: 'victim' | 'none'
}

const JSON_TYPE = { 'content-type': 'application/json', accept: 'application/json' }

const FORGED: ForgedRequest[] = [
  { name: 'no Origin and no Referer', headers: ({ token }) => ({ ...JSON_TYPE, 'x-csrf-token': token }) },
  { name: 'Origin of another site', headers: ({ token }) => ({ ...JSON_TYPE, origin: 'https://evil.test', 'x-csrf-token': token }) },
  { name: 'Origin null from a sandboxed frame', headers: ({ token }) => ({ ...JSON_TYPE, origin: 'null', 'x-csrf-token': token }) },
  { name: 'Origin on another port of the same host', headers: ({ origin, token }) => ({ ...JSON_TYPE, origin: origin.replace(/:\d+$/, ':1'), 'x-csrf-token': token }) },
  { name: 'Origin with https instead of http', headers: ({ origin, token }) => ({ ...JSON_TYPE, origin: origin.replace('http:', 'https:'), 'x-csrf-token': token }) },
  { name: 'Origin with pushgate\'s host as a prefix', headers: ({ origin, token }) => ({ ...JSON_TYPE, origin: `${origin}.evil.test`, 'x-csrf-token': token }) },
  { name: 'Referer of another site', headers: ({ token }) => ({ ...JSON_TYPE, referer: 'https://evil.test/page', 'x-csrf-token': token }) },
  { name: 'Referer that does not parse', headers: ({ token }) => ({ ...JSON_TYPE, referer: 'not a url', 'x-csrf-token': token }) },
  { name: 'Sec-Fetch-Site cross-site', headers: ({ origin, token }) => ({ ...JSON_TYPE, origin, 'sec-fetch-site': 'cross-site', 'x-csrf-token': token }) },
  { name: 'Sec-Fetch-Site same-site from a sibling subdomain', headers: ({ origin, token }) => ({ ...JSON_TYPE, origin, 'sec-fetch-site': 'same-site', 'x-csrf-token': token }) },
  { name: 'no CSRF token', headers: ({ origin }) => ({ ...JSON_TYPE, origin }) },
  { name: 'empty CSRF token', headers: ({ origin }) => ({ ...JSON_TYPE, origin, 'x-csrf-token': '' }) },
  { name: 'made-up CSRF token', headers: ({ origin }) => ({ ...JSON_TYPE, origin, 'x-csrf-token': 'AAAAAAAAAAAAAAAAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' }) },
  { name: 'CSRF token of another browser', headers: ({ origin, otherToken }) => ({ ...JSON_TYPE, origin, 'x-csrf-token': otherToken }) },
  { name: 'CSRF token without the CSRF cookie', headers: ({ origin, token }) => ({ ...JSON_TYPE, origin, 'x-csrf-token': token }), cookies: 'none' },
  {
    name: 'classic form post from another site',
    headers: () => ({ 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.test', 'sec-fetch-site': 'cross-site' }),
    body: 'login=alice%40example.com'
  }
]

async function victimAndAttacker (gateway: RunningGateway) {
  const victim = new BrowserClient(gateway.url)
  await victim.openLogin()
  const attacker = new BrowserClient(gateway.url)
  await attacker.openLogin()
  return { victim, token: victim.csrfToken ?? '', otherToken: attacker.csrfToken ?? '' }
}

for (const path of ['/login/push', '/login/cancel']) {
  t.test(`cross-site requests to ${path} are rejected`, async (t) => {
    const gateway = await startGateway(t)
    const origin = new URL(gateway.url).origin
    const { victim, token, otherToken } = await victimAndAttacker(gateway)
    if (path === '/login/cancel') t.equal((await victim.sendPush()).status, 200, 'the victim waits for a push')

    for (const forged of FORGED) {
      const headers = forged.headers({ origin, token, otherToken })
      if (forged.cookies !== 'none') headers.cookie = victim.cookieHeader()
      else headers.cookie = victim.cookieHeader().split('; ').filter((pair) => !pair.includes('csrf')).join('; ')
      const answer = await send(gateway.url, path, { method: 'POST', headers, body: forged.body ?? '{}' })
      t.equal(answer.status, 403, `${forged.name}: 403`)
      t.equal(JSON.parse(answer.body).error, 'PG_ERR_LOGIN_CSRF', `${forged.name}: the CSRF error`)
    }

    const stats = await gateway.sim.stats()
    t.equal(stats.pushesReceived.total, path === '/login/push' ? 0 : 1, 'no forged request sent a push')
    if (path === '/login/cancel') t.equal((await victim.status()).json().state, 'waiting', 'no forged request cancelled the push')
  })
}

t.test('same-origin requests with the browser\'s token pass', async (t) => {
  const gateway = await startGateway(t)
  const origin = new URL(gateway.url).origin
  const { victim, token } = await victimAndAttacker(gateway)
  const base = { ...JSON_TYPE, 'x-csrf-token': token }

  const withOrigin = await victim.fetch('/login/push', { method: 'POST', headers: { ...base, origin, 'sec-fetch-site': 'same-origin' }, body: '{}' })
  t.equal(withOrigin.status, 200, 'Origin and token of the same browser')
  const withReferer = await victim.fetch('/login/push', { method: 'POST', headers: { ...base, referer: `${origin}/login?rd=x` }, body: '{}' })
  t.equal(withReferer.status, 200, 'Referer instead of Origin, from a browser that sends no Origin')
  const cancel = await victim.fetch('/login/cancel', { method: 'POST', headers: { accept: 'application/json', 'x-csrf-token': token, origin } })
  t.equal(cancel.status, 200, 'cancel with Origin and token')
  t.equal(cancel.json().state, 'cancelled')
})
