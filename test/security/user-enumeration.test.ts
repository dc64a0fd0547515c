/**
 * User enumeration: an attacker types logins into the login page and compares the responses to learn
 * which ones exist, then push-bombs those. Every login that cannot get a push must look exactly
 * like one that can, until the person on the phone responds.
 */
import t from 'tap'
import { BrowserClient } from '../helpers/browser-client.ts'
import { ALICE, startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { ManualClock, outcome } from './helpers.ts'

const KNOWN = 'alice@example.com'
const SUSPENDED = 'sam@example.com'
const NO_FACTOR = 'nora@example.com'
const NOT_IN_OKTA = 'olga@example.com'
const NOT_CONFIGURED = 'mallory@example.com'

async function startGatewayWithUsers (t: Parameters<typeof startGateway>[0], clock: ManualClock): Promise<RunningGateway> {
  return await startGateway(t, {
    clock,
    oktaUsers: [
      ALICE,
      { login: SUSPENDED, firstName: 'Sam', lastName: 'Suspended', pushFactor: 'active' },
      { login: NO_FACTOR, firstName: 'Nora', lastName: 'Nofactor', pushFactor: 'none' }
    ],
    logins: [KNOWN, SUSPENDED, NO_FACTOR, NOT_IN_OKTA]
  })
}

/** Returns the parts of a response an attacker can compare: status, header names, cookie names, JSON shape. */
function shapeOf (answer: { status: number, headers: Record<string, unknown>, body: string }) {
  const json = JSON.parse(answer.body) as Record<string, unknown>
  const setCookie = answer.headers['set-cookie']
  const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((line) => String(line).split('=')[0])
  return {
    status: answer.status,
    headers: Object.keys(answer.headers).filter((name) => !['date', 'content-length', 'keep-alive'].includes(name)).sort(),
    cookies: cookies.sort(),
    keys: Object.keys(json).sort(),
    state: json.state,
    numberType: typeof json.number,
    message: String(json.message).replace(/\d+/g, 'N')
  }
}

t.test('login page answers unknown and known logins alike', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGatewayWithUsers(t, clock)
  await gateway.sim.setUser(SUSPENDED, { status: 'SUSPENDED' })

  const logins = [KNOWN, SUSPENDED, NO_FACTOR, NOT_IN_OKTA, NOT_CONFIGURED]
  const starts = new Map<string, ReturnType<typeof shapeOf>>()
  const seconds = new Map<string, number>()
  const browsers = new Map<string, BrowserClient>()
  for (const login of logins) {
    const browser = new BrowserClient(gateway.url)
    await browser.openLogin()
    const started = await browser.sendPush({ login })
    starts.set(login, shapeOf(started))
    seconds.set(login, started.json().secondsLeft)
    browsers.set(login, browser)
  }

  const expected = starts.get(KNOWN)
  t.equal(expected?.state, 'waiting')
  for (const login of logins.slice(1)) {
    t.same(starts.get(login), expected, `${login} starts like a real push`)
    t.ok(Math.abs((seconds.get(login) ?? 0) - (seconds.get(KNOWN) ?? 0)) <= 1, `${login} shows the same countdown`)
  }
  t.equal((await gateway.sim.stats()).pushesReceived.total, 1, 'only the real user got a push')

  // The real push times out on the phone; every decoy must end the same way.
  await gateway.sim.answerLatest(KNOWN, 'timeout')
  clock.advance(5 * 60_000)
  const endings = new Map<string, ReturnType<typeof shapeOf>>()
  for (const login of logins) endings.set(login, shapeOf(await outcome(browsers.get(login) as BrowserClient, clock)))
  t.equal(endings.get(KNOWN)?.state, 'timed_out')
  for (const login of logins.slice(1)) t.same(endings.get(login), endings.get(KNOWN), `${login} ends like a real push`)
})

t.test('per-user limit answers unknown and known logins alike', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGatewayWithUsers(t, clock)
  const { max } = gateway.config.limits.pushesPerUser

  const refusals = new Map<string, ReturnType<typeof shapeOf>>()
  for (const [index, login] of [KNOWN, NOT_CONFIGURED].entries()) {
    let last
    for (let i = 0; i <= max; i++) {
      const browser = new BrowserClient(gateway.url)
      const fetch = browser.fetch.bind(browser)
      browser.fetch = async (path, options = {}) => await fetch(path, { ...options, headers: { 'x-forwarded-for': `198.51.100.${index * 50 + i + 1}`, ...options.headers } })
      await browser.openLogin()
      last = await browser.sendPush({ login })
    }
    refusals.set(login, { ...shapeOf(last as NonNullable<typeof last>), message: '' })
  }
  t.equal(refusals.get(KNOWN)?.status, 429)
  t.same(refusals.get(NOT_CONFIGURED), refusals.get(KNOWN), `push ${max + 1} is refused the same way for an unknown login`)
})

t.test('new push cancels an unknown login\'s older attempt like a known one', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGatewayWithUsers(t, clock)

  const results = new Map<string, unknown>()
  for (const login of [KNOWN, NOT_CONFIGURED]) {
    const first = new BrowserClient(gateway.url)
    await first.openLogin()
    await first.sendPush({ login })
    const second = new BrowserClient(gateway.url)
    await second.openLogin()
    await second.sendPush({ login })
    results.set(login, shapeOf(await outcome(first, clock)))
  }
  t.equal((results.get(KNOWN) as { state: string }).state, 'cancelled')
  t.same(results.get(NOT_CONFIGURED), results.get(KNOWN))
})
