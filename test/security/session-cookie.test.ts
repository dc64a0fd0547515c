/**
 * Attacks on the session cookie: forging or editing it, replaying an old one, sealing it with a
 * guessed key, sending one too large to handle, planting one before the victim signs in, and
 * naming it with a prefix the browser would reject. Anything but a cookie that pushgate sealed
 * itself, within its lifetime, means "not signed in".
 */
import t from 'tap'
import { parseConfigObject } from '../../src/config/load.ts'
import { SessionSealer } from '../../src/session/sealer.ts'
import { BrowserClient } from '../helpers/browser-client.ts'
import { SESSION_SECRET_FOR_TESTS, startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { API_HEADERS, ManualClock, outcome, send, sessionCookieFor } from './helpers.ts'

const OTHER_SECRET = 'another-secret-9876543210-ZYXWVUTSRQPONMLKJIHGFEDCBA'

async function authz (gateway: RunningGateway, value: string): Promise<number> {
  const cookie = `${gateway.config.session.cookieName}=${value}`
  return (await send(gateway.url, '/authz/forward-auth', { headers: { ...API_HEADERS, cookie } })).status
}

/** Returns the id of the secret that sealed `value`: iron's seal is `Fe26.2*<id>*…`, then `~2`. */
function sealingSecretId (value: string): string | undefined {
  return value.split('*')[1]
}

t.test('tampered session cookie means not signed in', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const value = await sessionCookieFor(gateway, { clock })
  t.equal(await authz(gateway, value), 200, 'the genuine cookie is accepted')

  const parts = value.split('*')
  for (let index = 1; index < parts.length; index++) {
    const part = parts[index] ?? ''
    // A middle character: the last base64url character of a field may carry only padding bits.
    const middle = Math.floor(part.length / 2)
    const flipped = part === '' ? 'A' : `${part.slice(0, middle)}${part[middle] === 'A' ? 'B' : 'A'}${part.slice(middle + 1)}`
    const tampered = [...parts.slice(0, index), flipped, ...parts.slice(index + 1)].join('*')
    t.equal(await authz(gateway, tampered), 401, `field ${index} of the seal changed: 401`)
  }
  t.equal(await authz(gateway, value.replace('~2', '~1')), 200, 'the version marker outside the seal changes nothing')
  const [seal = '', marker = ''] = value.split('~')
  t.equal(await authz(gateway, `${seal}x~${marker}`), 401, 'a byte appended to the seal: 401')
})

t.test('truncated session cookie means not signed in', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const value = await sessionCookieFor(gateway, { clock })

  for (const length of [1, 7, 20, Math.floor(value.length / 2), value.length - 10, value.length - 3]) {
    t.equal(await authz(gateway, value.slice(0, length)), 401, `first ${length} of ${value.length} characters: 401`)
  }
  t.equal(await authz(gateway, value.slice(10)), 401, 'the start cut off: 401')
})

t.test('expired session cookie means not signed in', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock, config: { session: { lifetime: '1h' } } })
  const value = await sessionCookieFor(gateway, { clock })

  clock.advance(60 * 60_000 - 60_000)
  t.equal(await authz(gateway, value), 200, 'a minute before the end: still signed in')
  clock.advance(60_000)
  t.equal(await authz(gateway, value), 401, 'at the end of the lifetime: 401')
  clock.advance(24 * 60 * 60_000)
  t.equal(await authz(gateway, value), 401, 'a day later: 401')
})

t.test('cookie sealed with an unknown key means not signed in', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const forger = new SessionSealer({ secrets: { 1: OTHER_SECRET }, lifetimeMs: 3_600_000, clock })
  const { session } = forger.createSession({ login: 'alice@example.com', email: 'alice@example.com', name: 'Alice', groups: ['Admins'] })

  t.equal(await authz(gateway, await forger.seal(session)), 401, 'a well-formed seal under another secret: 401')
  const sameIdOtherKey = new SessionSealer({ secrets: { 9: OTHER_SECRET }, lifetimeMs: 3_600_000, clock })
  t.equal(await authz(gateway, await sameIdOtherKey.seal(session)), 401, 'a seal naming a secret id pushgate does not have: 401')
})

t.test('cookie sealed with the right key but not a session means not signed in', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const sealer = new SessionSealer({ secrets: { 1: SESSION_SECRET_FOR_TESTS }, lifetimeMs: 3_600_000, clock })
  const { session } = sealer.createSession({ login: 'alice@example.com', email: '', name: '', groups: [] })

  const { sealData } = await import('iron-session')
  const misshapen = [{ ...session, login: '' }, { ...session, version: 2 }, { ...session, groups: 'Admins' }, { login: 'alice@example.com' }, 'alice@example.com']
  for (const data of misshapen) {
    const value = await sealData(data, { password: { 1: SESSION_SECRET_FOR_TESTS }, ttl: 3600 })
    t.equal(await authz(gateway, value), 401, `sealed ${JSON.stringify(data).slice(0, 60)}: 401`)
  }
})

t.test('oversized session cookie means not signed in', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const value = await sessionCookieFor(gateway, { clock })

  t.equal(await authz(gateway, `${value}${'A'.repeat(4096)}`), 401, 'a genuine seal with 4 KB appended: 401')
  t.equal(await authz(gateway, 'A'.repeat(8000)), 401, '8000 characters of filler: 401')
  const reasons = gateway.logs.filter((line) => line.msg === 'session cookie rejected').map((line) => line.reason)
  t.same(reasons, ['oversized', 'oversized'], 'both are rejected by size, before any decryption')
  const manyCookies = Array.from({ length: 200 }, (_, i) => `c${i}=${'x'.repeat(40)}`).join('; ')
  const answer = await send(gateway.url, '/authz/forward-auth', { headers: { ...API_HEADERS, cookie: `${manyCookies}; ${gateway.config.session.cookieName}=${value}` } })
  t.equal(answer.status, 200, 'the session cookie among 200 others still counts')
  const huge = await send(gateway.url, '/authz/forward-auth', { headers: { ...API_HEADERS, cookie: `${gateway.config.session.cookieName}=${'A'.repeat(40_000)}` } })
  t.equal(huge.status, 431, 'a Cookie header beyond Node\'s header limit is refused before pushgate reads it')
})

t.test('secret rotation keeps old cookies and seals with the newest secret', async (t) => {
  const clock = new ManualClock()
  const before = await startGateway(t, { clock, config: { session: { secret: { 1: SESSION_SECRET_FOR_TESTS } } } })
  const oldCookie = await sessionCookieFor(before, { clock })
  t.equal(sealingSecretId(oldCookie), '1')

  const rotated = await startGateway(t, { clock, config: { session: { secret: { 1: SESSION_SECRET_FOR_TESTS, 2: OTHER_SECRET } } } })
  t.equal(await authz(rotated, oldCookie), 200, 'a cookie sealed before the rotation still opens')
  const newCookie = await sessionCookieFor(rotated, { clock })
  t.equal(sealingSecretId(newCookie), '2', 'new cookies are sealed with the highest id')

  const onlyNew = new SessionSealer({ secrets: { 2: OTHER_SECRET }, lifetimeMs: 3_600_000, clock })
  t.ok((await onlyNew.unseal(newCookie)).session, 'the new cookie opens with the new secret alone')
  const onlyOld = new SessionSealer({ secrets: { 1: SESSION_SECRET_FOR_TESTS }, lifetimeMs: 3_600_000, clock })
  t.equal((await onlyOld.unseal(newCookie)).session, undefined, 'the old secret cannot open the new cookie')

  const retired = await startGateway(t, { clock, config: { session: { secret: { 2: OTHER_SECRET } } } })
  t.equal(await authz(retired, oldCookie), 401, 'once the old secret is removed, its cookies stop working')
  t.equal(await authz(retired, newCookie), 200)
})

t.test('session cookie stays well under 4 KB for a large Okta profile', async (t) => {
  const clock = new ManualClock()
  const login = `${'a'.repeat(40)}@${'long-subdomain.'.repeat(3)}example.com`
  const groups = Array.from({ length: 300 }, (_, i) => `Gr\u00fcppe ${i} ${'\u2603'.repeat(40)}`)
  const gateway = await startGateway(t, {
    clock,
    oktaUsers: [{ login, firstName: '\u00c5'.repeat(200), lastName: '\u00d8'.repeat(200), groups, pushFactor: 'active' }]
  })
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  await browser.sendPush()
  await gateway.sim.answerLatest(login, 'approve')
  const approved = await outcome(browser, clock)
  t.equal(approved.json().state, 'approved')

  const setCookie = [approved.headers['set-cookie']].flat().find((line) => String(line).startsWith(`${gateway.config.session.cookieName}=`))
  const bytes = Buffer.byteLength(String(setCookie))
  t.ok(bytes <= 3584, `the whole Set-Cookie line is ${bytes} bytes, at least 512 below the browsers' 4096`)
  const answer = await send(gateway.url, '/authz/forward-auth', { headers: { ...API_HEADERS, cookie: String(setCookie).split(';')[0] ?? '' } })
  t.equal(answer.status, 200, 'the capped cookie still signs the person in')
  t.ok(String(answer.headers['remote-groups']).length > 0, 'Remote-Groups lists the groups that fit')
})

t.test('session fixation: every login seals a new session', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const sealer = new SessionSealer({ secrets: { 1: SESSION_SECRET_FOR_TESTS }, lifetimeMs: 3_600_000, clock })
  const browser = new BrowserClient(gateway.url)
  const name = gateway.config.session.cookieName

  const ids: string[] = []
  const values: string[] = []
  for (let i = 0; i < 3; i++) {
    await send(gateway.url, '/logout', { headers: { cookie: browser.cookieHeader() } })
    browser.cookies.delete(name)
    await browser.openLogin()
    await browser.sendPush()
    await gateway.sim.answerLatest('alice@example.com', 'approve')
    await outcome(browser, clock)
    const value = browser.cookies.get(name) ?? ''
    values.push(value)
    ids.push((await sealer.unseal(value)).session?.id ?? '')
  }
  t.equal(new Set(values).size, 3, 'three logins, three different cookies')
  t.equal(new Set(ids).size, 3, 'three logins, three different session ids')
})

t.test('session fixation: a planted flow id cannot claim the victim\'s login', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })

  const attacker = new BrowserClient(gateway.url)
  await attacker.openLogin()
  const flowName = [...attacker.cookies.keys()].find((name) => name.endsWith('pushgate_flow')) ?? ''
  const planted = attacker.cookies.get(flowName) ?? ''

  const victim = new BrowserClient(gateway.url)
  victim.cookies.set(flowName, planted)
  await victim.openLogin()
  t.equal((await victim.sendPush()).status, 200)
  t.not(victim.cookies.get(flowName), planted, 'starting a push gives the browser a new flow id')
  await gateway.sim.answerLatest('alice@example.com', 'approve')

  clock.advance(5_000)
  const stolen = await attacker.status()
  t.not(stolen.status, 200, 'the attacker polling with the planted id gets nothing')
  t.notOk(attacker.cookies.has(gateway.config.session.cookieName), 'and no session cookie')
  t.equal((await outcome(victim, clock)).json().state, 'approved', 'the victim is signed in')
  t.ok(victim.cookies.has(gateway.config.session.cookieName))
})

t.test('session cookie attributes: HttpOnly, SameSite=Lax, Secure on https', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, {
    clock,
    publicUrl: (port) => `https://auth.example.com:${port}`,
    config: { session: { cookieName: '__Secure-pushgate', cookieDomain: 'example.com' } }
  })
  const browser = new BrowserClient(gateway.url)
  const fetch = browser.fetch.bind(browser)
  browser.fetch = async (path, options = {}) => await fetch(path, options.headers?.origin === undefined ? options : { ...options, headers: { ...options.headers, origin: gateway.config.publicUrl.origin } })
  await browser.openLogin()
  await browser.sendPush()
  await gateway.sim.answerLatest('alice@example.com', 'approve')
  const approved = await outcome(browser, clock)
  const line = String([approved.headers['set-cookie']].flat().find((text) => String(text).startsWith('__Secure-pushgate=')))

  t.match(line, /; HttpOnly/i)
  t.match(line, /; SameSite=Lax/i)
  t.match(line, /; Secure/i)
  t.match(line, /; Domain=example\.com/i)
  t.match(line, /; Path=\//i)
})

/** Parses a configuration with `session` overrides; returns the error message, or '' when it is valid. */
function configProblem (publicUrl: string, session: Record<string, unknown>): string {
  try {
    parseConfigObject({
      publicUrl,
      session: { secret: SESSION_SECRET_FOR_TESTS, ...session },
      okta: { orgUrl: 'https://example.okta.com', apiToken: 'token-for-tests' },
      users: [{ login: 'alice@example.com' }]
    }, 'the test configuration', {})
    return ''
  } catch (error) {
    return (error as Error).message
  }
}

t.test('cookie name prefix is checked against the cookie attributes at start', async (t) => {
  t.match(configProblem('https://auth.example.com', { cookieName: '__Host-pushgate', cookieDomain: 'example.com' }), /cannot have a Domain attribute/, '__Host- with a cookie domain')
  t.match(configProblem('http://auth.example.com', { cookieName: '__Host-pushgate' }), /needs the Secure attribute/, '__Host- over http')
  t.match(configProblem('http://auth.example.com', { cookieName: '__Secure-pushgate', cookieDomain: 'example.com' }), /needs the Secure attribute/, '__Secure- over http')
  t.match(configProblem('https://auth.example.com', { cookieName: '__HOST-pushgate', cookieDomain: 'example.com' }), /cannot have a Domain attribute/, '__HOST- in capitals, which browsers also treat as the prefix')
  t.match(configProblem('http://auth.example.com', { cookieName: '__secure-pushgate' }), /needs the Secure attribute/, '__secure- in lower case')

  t.equal(configProblem('https://auth.example.com', { cookieName: '__Host-pushgate' }), '', '__Host- on https without a cookie domain is valid')
  t.equal(configProblem('https://auth.example.com', { cookieName: '__Secure-pushgate', cookieDomain: 'example.com' }), '', '__Secure- on https with a cookie domain is valid')
})
