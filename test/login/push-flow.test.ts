import t from 'tap'
import { request } from 'undici'
import { BROWSER_USER_AGENT, BrowserClient } from '../helpers/browser-client.ts'
import { adjustableClock } from '../helpers/clock.ts'
import { ALICE, startGateway } from '../helpers/gateway.ts'

const HTTPS_OPTIONS = {
  publicUrl: () => 'https://auth.example.test',
  config: { session: { cookieDomain: 'example.test', lifetime: '8h' }, defaultRedirectUrl: 'https://home.example.test/' }
}

function browserFor (gateway: { url: string, config: { publicUrl: URL } }): BrowserClient {
  return new BrowserClient(gateway.url, gateway.config.publicUrl.origin)
}

t.test('approved push sets the session cookie and returns to rd', async (t) => {
  const gateway = await startGateway(t, HTTPS_OPTIONS)
  const browser = browserFor(gateway)
  const rd = 'https://app.example.test/reports/2026?sort=desc&q=a%20b'

  const page = await browser.openLogin(rd)
  t.equal(page.status, 200)
  t.match(page.body, 'app.example.test', 'the page names the host the person is going to')
  t.equal((await gateway.sim.stats()).pushesReceived.total, 0, 'opening the page sends nothing')

  const started = await browser.sendPush({ rd })
  t.equal(started.status, 200)
  const view = started.json()
  t.equal(view.state, 'waiting')
  t.ok(view.secondsLeft > 0, 'the page gets a countdown')

  const [push] = await gateway.sim.pushes({ login: ALICE.login })
  t.equal(view.number, push?.correctAnswer, 'the page shows the number Okta Verify asks for')
  t.equal(push?.userAgent, BROWSER_USER_AGENT, 'Okta gets the browser\'s exact User-Agent')
  t.equal(push?.clientIp, '127.0.0.1', 'Okta gets the client IP')

  await gateway.sim.answerLatest(ALICE.login, 'approve')
  const outcome = await browser.waitForOutcome()
  t.equal(outcome.json().state, 'approved')
  t.equal(outcome.json().redirect, rd, 'back to the exact URL')

  const sessionLine = browser.setCookieLines.find((line) => line.startsWith('pushgate_session='))
  t.ok(sessionLine, 'the session cookie is set')
  t.match(sessionLine, /; Domain=example\.test/)
  t.match(sessionLine, /; Path=\//)
  t.match(sessionLine, /; HttpOnly/)
  t.match(sessionLine, /; Secure/)
  t.match(sessionLine, /; SameSite=Lax/)
  t.match(sessionLine, /; Max-Age=28800/)

  const authz = await request(`${gateway.url}/authz/forward-auth`, {
    headers: { cookie: browser.cookieHeader(), 'x-forwarded-host': 'other.example.test', 'x-forwarded-uri': '/', 'x-forwarded-proto': 'https' }
  })
  await authz.body.dump()
  t.equal(authz.statusCode, 200, 'the cookie opens every host under the cookie domain')
  t.equal(authz.headers['remote-groups'], 'Staging access,Engineering,Everyone')
  t.equal(authz.headers['remote-name'], 'Alice Example')
})

t.test('approval can be claimed only once', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  await browser.sendPush()
  await gateway.sim.answerLatest(ALICE.login, 'approve')
  t.equal((await browser.waitForOutcome()).json().state, 'approved')
  const again = await browser.status()
  t.equal(again.status, 409, 'a second status request mints no second session')
})

t.test('another browser cannot claim an approved push', async (t) => {
  const gateway = await startGateway(t)
  const victim = new BrowserClient(gateway.url)
  await victim.openLogin()
  await victim.sendPush()

  const attacker = new BrowserClient(gateway.url)
  await attacker.openLogin()
  await gateway.sim.answerLatest(ALICE.login, 'approve')
  await new Promise((resolve) => setTimeout(resolve, 3200))

  const stolen = await attacker.status()
  t.equal(stolen.status, 409, 'the attacker\'s browser has no pending push')
  t.notOk(attacker.cookies.has('pushgate_session'))

  const copied = await attacker.fetch('/login/status', { headers: { cookie: 'pushgate_flow=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })
  t.equal(copied.status, 409, 'a guessed flow id finds nothing')
  t.equal((await victim.waitForOutcome()).json().state, 'approved', 'the person who started it gets in')
})

t.test('number challenge off sends a plain push', async (t) => {
  const gateway = await startGateway(t, { config: { okta: { numberChallenge: false } } })
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const view = (await browser.sendPush()).json()
  t.equal(view.number, undefined)
  const [push] = await gateway.sim.pushes()
  t.equal(push?.correctAnswer, undefined)
})

t.test('denied push says so and starts the cool-down', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  await browser.sendPush()
  await gateway.sim.answerLatest(ALICE.login, 'deny')
  const outcome = (await browser.waitForOutcome()).json()
  t.equal(outcome.state, 'denied')
  t.match(outcome.message, /denied/)

  const retry = await browser.sendPush()
  t.equal(retry.status, 429, 'no new push right after a denial')
  t.match(retry.json().message, /Wait \d+ (seconds|minutes)/)
  t.equal((await gateway.sim.stats()).pushesReceived.total, 1)
})

t.test('wrong number tapped counts as denied', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const view = (await browser.sendPush()).json()
  await gateway.sim.answerLatest(ALICE.login, 'approve', view.number === 1 ? 2 : 1)
  t.equal((await browser.waitForOutcome()).json().state, 'denied')
})

t.test('timed out push says so', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  await browser.sendPush()
  await gateway.sim.answerLatest(ALICE.login, 'timeout')
  const outcome = (await browser.waitForOutcome()).json()
  t.equal(outcome.state, 'timed_out')
  t.match(outcome.message, /No approval arrived/)
})

t.test('cancel button cancels the push at Okta', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  await browser.sendPush()
  const cancelled = await browser.cancel()
  t.equal(cancelled.status, 200)
  t.equal(cancelled.json().state, 'cancelled')
  const [push] = await gateway.sim.pushes()
  t.equal(push?.state, 'CANCELLED')
})

t.test('a new push for the same user cancels the older one', async (t) => {
  const gateway = await startGateway(t)
  const first = new BrowserClient(gateway.url)
  await first.openLogin()
  await first.sendPush()
  const second = new BrowserClient(gateway.url)
  await second.openLogin()
  await second.sendPush()

  t.equal((await first.status()).json().state, 'cancelled')
  const states = (await gateway.sim.pushes()).map((push) => push.state).sort()
  t.same(states, ['CANCELLED', 'WAITING'], 'only one push is outstanding')
})

t.test('a push expiring by time passing times out', async (t) => {
  const clock = adjustableClock()
  const gateway = await startGateway(t, { clock })
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const view = (await browser.sendPush()).json()
  clock.advance((view.secondsLeft + 5) * 1000)
  t.equal((await browser.waitForOutcome()).json().state, 'timed_out')
})

t.test('each login gets a new seal and session id', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  const seals: string[] = []
  for (let round = 0; round < 2; round++) {
    await browser.openLogin()
    await browser.sendPush()
    await gateway.sim.answerLatest(ALICE.login, 'approve')
    await browser.waitForOutcome()
    seals.push(browser.cookies.get('pushgate_session') ?? '')
    browser.cookies.delete('pushgate_session')
  }
  t.not(seals[0], '')
  t.not(seals[0], seals[1])
})

t.test('a foreign rd falls back to defaultRedirectUrl', async (t) => {
  const gateway = await startGateway(t, HTTPS_OPTIONS)
  const browser = browserFor(gateway)
  await browser.openLogin('https://evil.example.net/phish')
  await browser.sendPush({ rd: 'https://evil.example.net/phish' })
  await gateway.sim.answerLatest(ALICE.login, 'approve')
  t.equal((await browser.waitForOutcome()).json().redirect, 'https://home.example.test/')
})
