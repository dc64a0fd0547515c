/**
 * Open redirect: a link to pushgate's login or logout with a crafted `rd` sends the person, right
 * after a genuine sign-in, to a site that looks like the one they meant to open. Each hostile value
 * from redirect-cases.ts is tried against the rule itself, through a whole push login, through
 * /login with a session, and through /logout.
 */
import t from 'tap'
import { parseConfigObject } from '../../src/config/load.ts'
import { createRedirectPolicy, MAX_REDIRECT_LENGTH } from '../../src/http/redirect.ts'
import { BrowserClient } from '../helpers/browser-client.ts'
import { SESSION_SECRET_FOR_TESTS, startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { ManualClock, outcome, send } from './helpers.ts'
import { HOSTILE_REDIRECTS, LEGITIMATE_REDIRECTS, type RedirectCase } from './redirect-cases.ts'

const FALLBACK = 'https://home.example.com/'

function policyFor (overrides: { publicUrl?: string, cookieDomain?: string | undefined } = {}) {
  const session: Record<string, unknown> = { secret: SESSION_SECRET_FOR_TESTS, cookieDomain: 'example.com' }
  if ('cookieDomain' in overrides) session.cookieDomain = overrides.cookieDomain
  const config = parseConfigObject({
    publicUrl: overrides.publicUrl ?? 'https://auth.example.com',
    defaultRedirectUrl: session.cookieDomain === undefined ? undefined : FALLBACK,
    session,
    okta: { orgUrl: 'https://example.okta.com', apiToken: 'token-for-tests' },
    users: [{ login: 'alice@example.com' }]
  }, 'the test configuration', {})
  return createRedirectPolicy(config)
}

/** Names a case in printable ASCII, so control characters and line separators cannot break tap's output. */
function label (entry: RedirectCase): string {
  const shown = entry.rd.length > 80 ? `${entry.rd.slice(0, 80)}...` : entry.rd
  const escaped = shown.replace(/[^\x21-\x7e]/gu, (character) => `\\u{${character.codePointAt(0)?.toString(16)}}`)
  return `${entry.kind}: ${escaped}`
}

t.test('redirect table covers the known kinds of hostile rd', async (t) => {
  t.ok(HOSTILE_REDIRECTS.length >= 60, `${HOSTILE_REDIRECTS.length} hostile values`)
  const kinds = new Set(HOSTILE_REDIRECTS.map((entry) => entry.kind))
  for (const kind of ['scheme-relative', 'backslash', 'userinfo', 'encoded separator', 'double-encoded separator', 'control character', 'suffix host', 'look-alike host', 'Unicode dot', 'IDN disguise', 'IP form', 'port', 'scheme']) {
    t.ok(kinds.has(kind), `the table has ${kind} cases`)
  }
})

t.test('hostile rd values are rejected by the redirect rule', async (t) => {
  const policy = policyFor()
  for (const entry of HOSTILE_REDIRECTS) {
    t.equal(policy.check(entry.rd), undefined, label(entry))
    t.equal(policy.resolve(entry.rd).href, FALLBACK, `${label(entry)} falls back`)
  }
  for (const value of [undefined, null, 42, ['https://app.example.com/'], { href: 'https://app.example.com/' }]) {
    t.equal(policy.check(value), undefined, `non-string rd ${JSON.stringify(value)}`)
  }
})

t.test('legitimate rd values pass the redirect rule', async (t) => {
  const policy = policyFor()
  for (const entry of LEGITIMATE_REDIRECTS) {
    t.equal(policy.check(entry.rd)?.href, new URL(entry.rd).href, label(entry))
  }
})

t.test('redirect rule without a cookie domain allows only publicUrl\'s host', async (t) => {
  const policy = policyFor({ cookieDomain: undefined })
  t.equal(policy.check('https://auth.example.com:8443/x')?.href, 'https://auth.example.com:8443/x', 'another port of pushgate\'s host')
  t.equal(policy.check('https://app.example.com/'), undefined, 'a sibling host')
  t.equal(policy.check('https://example.com/'), undefined, 'the parent domain')
  t.equal(policy.check('https://x.auth.example.com/')?.href, 'https://x.auth.example.com/', 'a host below pushgate\'s')
  t.equal(policy.resolve('https://evil.test/').href, 'https://auth.example.com/', 'the fallback is publicUrl')
})

t.test('redirect rule allows http only when publicUrl is http', async (t) => {
  const policy = policyFor({ publicUrl: 'http://auth.example.com' })
  t.equal(policy.check('http://app.example.com:8080/')?.href, 'http://app.example.com:8080/')
  t.equal(policy.check('https://app.example.com/')?.href, 'https://app.example.com/')
  t.equal(policy.check('http://evil.test/'), undefined)
})

/** Starts a gateway whose publicUrl is https://auth.example.com:<port>, reached on 127.0.0.1 by test clients. */
async function startDomainGateway (t: Parameters<typeof startGateway>[0], clock: ManualClock): Promise<RunningGateway> {
  return await startGateway(t, {
    clock,
    publicUrl: (port) => `https://auth.example.com:${port}`,
    config: {
      defaultRedirectUrl: FALLBACK,
      session: { cookieDomain: 'example.com' },
      limits: { pushesPerUser: { max: 1000 }, pushStartsPerIp: { max: 1000 } }
    }
  })
}

/** Returns a browser that sends pushgate's public origin, as a browser on https://auth.example.com would. */
function publicBrowser (gateway: RunningGateway): BrowserClient {
  const browser = new BrowserClient(gateway.url)
  const fetch = browser.fetch.bind(browser)
  const origin = gateway.config.publicUrl.origin
  browser.fetch = async (path, options = {}) => {
    const headers = options.headers?.origin === undefined ? options.headers : { ...options.headers, origin }
    return await fetch(path, headers === undefined ? options : { ...options, headers })
  }
  return browser
}

function decodeHtml (text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': '\'' })[entity] ?? '')
}

t.test('hostile rd through a push login lands on the fallback', async (t) => {
  const clock = new ManualClock()
  const gateway = await startDomainGateway(t, clock)

  const run = async (rd: string) => {
    const browser = publicBrowser(gateway)
    const page = await browser.openLogin(rd)
    const carried = decodeHtml(/name="rd" value="([^"]*)"/.exec(page.body)?.[1] ?? '')
    // An attacker posts the raw value, skipping the page's hidden field.
    const started = await browser.sendPush({ rd })
    // The body schema rejects an rd longer than the rule's limit before any push is sent.
    if (started.status === 400 && rd.length > MAX_REDIRECT_LENGTH) return { carried, state: 'rejected', redirect: FALLBACK }
    if (started.status !== 200) throw new Error(`push start answered ${started.status}: ${started.body}`)
    await gateway.sim.answerLatest('alice@example.com', 'approve')
    const approved = (await outcome(browser, clock)).json()
    return { carried, state: approved.state, redirect: approved.redirect }
  }

  for (const entry of HOSTILE_REDIRECTS) {
    const result = await run(entry.rd)
    t.equal(result.carried, FALLBACK, `${label(entry)}: the login page carries the fallback`)
    const state = entry.kind === 'too long' ? 'rejected' : 'approved'
    t.same([result.state, result.redirect], [state, FALLBACK], `${label(entry)}: the approved login goes to the fallback`)
  }
  for (const entry of LEGITIMATE_REDIRECTS) {
    const result = await run(entry.rd)
    const expected = new URL(entry.rd).href
    t.equal(result.carried, expected, `${label(entry)}: the login page carries it`)
    t.same([result.state, result.redirect], ['approved', expected], `${label(entry)}: the approved login goes there`)
  }
})

t.test('hostile rd on /login with a session lands on the fallback', async (t) => {
  const clock = new ManualClock()
  const gateway = await startDomainGateway(t, clock)
  const browser = publicBrowser(gateway)
  await browser.openLogin()
  await browser.sendPush()
  await gateway.sim.answerLatest('alice@example.com', 'approve')
  t.equal((await outcome(browser, clock)).json().state, 'approved')

  for (const entry of HOSTILE_REDIRECTS) {
    const answer = await browser.fetch(`/login?rd=${encodeURIComponent(entry.rd)}`)
    t.same([answer.status, answer.headers.location], [302, FALLBACK], label(entry))
  }
  const twice = await browser.fetch(`/login?rd=${encodeURIComponent('https://app.example.com/')}&rd=${encodeURIComponent('https://evil.test/')}`)
  t.equal(twice.headers.location, FALLBACK, 'rd given twice')
  for (const entry of LEGITIMATE_REDIRECTS) {
    const answer = await browser.fetch(`/login?rd=${encodeURIComponent(entry.rd)}`)
    t.same([answer.status, answer.headers.location], [302, new URL(entry.rd).href], label(entry))
  }
})

t.test('hostile rd on /logout lands on pushgate\'s root', async (t) => {
  const gateway = await startDomainGateway(t, new ManualClock())
  const root = `${gateway.config.publicUrl.origin}/`

  for (const method of ['GET', 'POST']) {
    for (const entry of HOSTILE_REDIRECTS) {
      const answer = await send(gateway.url, `/logout?rd=${encodeURIComponent(entry.rd)}`, { method })
      t.same([answer.status, answer.headers.location], [303, root], `${method} ${label(entry)}`)
    }
    for (const entry of LEGITIMATE_REDIRECTS) {
      const answer = await send(gateway.url, `/logout?rd=${encodeURIComponent(entry.rd)}`, { method })
      t.same([answer.status, answer.headers.location], [303, new URL(entry.rd).href], `${method} ${label(entry)}`)
    }
  }
})
