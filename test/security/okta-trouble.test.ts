/**
 * Okta trouble, whether an outage or an attacker exhausting the org's rate limit: existing sessions
 * must keep working, the login page must say what is wrong, retries must back off, and no request
 * may wait on Okta without end.
 */
import t from 'tap'
import { BrowserClient } from '../helpers/browser-client.ts'
import { startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { API_HEADERS, ManualClock, POLL_STEP_MS, send, sessionCookieFor } from './helpers.ts'

const ALICE = 'alice@example.com'

/** Okta calls of one kind that reached the simulator, by route pattern such as `GET /api/v1/users/:idOrLogin`. */
async function oktaCalls (gateway: RunningGateway, pattern: RegExp): Promise<number> {
  const { requests } = (await gateway.sim.stats() as unknown as { requests: { byRoute: Record<string, number> } })
  return Object.entries(requests.byRoute).filter(([route]) => pattern.test(route)).reduce((sum, [, count]) => sum + count, 0)
}

async function timed<T> (work: () => Promise<T>): Promise<{ result: T, ms: number }> {
  const started = performance.now()
  const result = await work()
  return { result, ms: performance.now() - started }
}

t.test('Okta outage keeps existing sessions working', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const cookie = `${gateway.config.session.cookieName}=${await sessionCookieFor(gateway, { clock })}`
  await gateway.simulator.close()

  const authz = await send(gateway.url, '/authz/forward-auth', { headers: { ...API_HEADERS, cookie } })
  t.equal(authz.status, 200, 'the signed-in person still gets through')
  t.equal(authz.headers['remote-user'], ALICE)
  t.equal((await send(gateway.url, '/healthz')).status, 200, 'pushgate itself stays live')

  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const { result: started, ms } = await timed(async () => await browser.sendPush())
  t.equal(started.status, 503, 'a new login is refused with 503')
  t.match(started.json().message, /Okta cannot be reached/, 'the login page says Okta is the problem')
  t.match(started.json().message, /already signed in to keep working/, 'and that existing sessions are fine')
  t.ok(Number(started.headers['retry-after']) > 0, 'with a Retry-After')
  t.ok(ms < 5_000, `the refusal came after ${Math.round(ms)} ms`)
})

t.test('hanging Okta cannot hold a login request forever', async (t) => {
  const gateway = await startGateway(t)
  const timeoutMs = gateway.config.okta.requestTimeoutMs
  await gateway.sim.fault({ hang: true, times: 100 })

  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const { result: started, ms } = await timed(async () => await browser.sendPush())
  t.equal(started.status, 503)
  t.match(started.json().message, /Okta cannot be reached/)
  t.ok(ms >= timeoutMs - 100 && ms < timeoutMs + 1_500, `the push request ended after ${Math.round(ms)} ms, the ${timeoutMs} ms okta.requestTimeout`)

  const { result: authz, ms: authzMs } = await timed(async () => await send(gateway.url, '/authz/forward-auth', { headers: API_HEADERS }))
  t.equal(authz.status, 401, 'authz answers without Okta')
  t.ok(authzMs < 500, `authz took ${Math.round(authzMs)} ms while Okta hangs`)
})

t.test('hanging Okta while a push waits cannot hold the status request forever', async (t) => {
  const gateway = await startGateway(t)
  const timeoutMs = gateway.config.okta.requestTimeoutMs
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  t.equal((await browser.sendPush()).status, 200)
  await gateway.sim.fault({ hang: true, times: 100, pathContains: '/transactions/' })
  await new Promise((resolve) => setTimeout(resolve, 3_100))

  const { result: status, ms } = await timed(async () => await browser.status())
  t.equal(status.status, 200)
  t.equal(status.json().state, 'waiting', 'a failed poll leaves the push waiting; the next status request retries')
  t.ok(ms < timeoutMs + 1_500, `the status request ended after ${Math.round(ms)} ms`)
})

t.test('Okta rate limit on sending a push is reported with its wait', async (t) => {
  const gateway = await startGateway(t)
  await gateway.sim.fault({ status: 429, rateLimitResetSeconds: 40, pathContains: '/verify' })

  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const started = await browser.sendPush()
  t.equal(started.status, 503)
  const match = /Okta is limiting requests right now\. Try again in (\d+) seconds\./.exec(started.json().message)
  t.ok(match, `the message says Okta is limiting: ${started.json().message}`)
  const seconds = Number(match?.[1])
  t.ok(seconds >= 38 && seconds <= 42, `it names the wait, ${seconds} s`)
  t.equal(Number(started.headers['retry-after']), seconds, 'Retry-After matches the message')
  t.equal((await gateway.sim.stats()).pushesReceived.total, 0)
})

t.test('Okta server errors on a lookup are retried with back-off', async (t) => {
  const gateway = await startGateway(t, { config: { okta: { requestTimeout: '5s' } } })
  await gateway.sim.fault({ status: 500, times: 2, pathContains: '/api/v1/users/alice' })

  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const { result: started, ms } = await timed(async () => await browser.sendPush())
  t.equal(started.status, 200, 'the push goes out after two failed lookups')
  t.equal(await oktaCalls(gateway, /^GET \/api\/v1\/users\/:[A-Za-z]+$/), 3, 'the lookup was tried three times')
  t.ok(ms >= 750, `the retries waited 250 ms, then 500 ms (${Math.round(ms)} ms in all)`)
})

t.test('Okta rate limit while polling pauses the polls until the reset', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  t.equal((await browser.sendPush()).status, 200)
  const polls = async () => await oktaCalls(gateway, /transactions/)

  await gateway.sim.fault({ status: 429, rateLimitResetSeconds: 30, pathContains: '/transactions/' })
  clock.advance(POLL_STEP_MS)
  t.equal((await browser.status()).json().state, 'waiting', 'the rate-limited poll leaves the push waiting')
  const afterLimit = await polls()

  for (let i = 0; i < 8; i++) {
    clock.advance(POLL_STEP_MS)
    t.equal((await browser.status()).status, 200)
  }
  t.equal(await polls(), afterLimit, 'no poll reached Okta before its reset time')

  // The wait is measured against Okta's Date header, which follows real time while the
  // simulator's reset follows the test clock, so allow for the time the test clock ran ahead.
  clock.advance(20_000)
  await gateway.sim.answerLatest(ALICE, 'approve')
  t.equal((await browser.status()).json().state, 'approved', 'after the reset, polling resumes')
  t.equal(await polls(), afterLimit + 1)
})

t.test('Okta outage while a push waits ends with a clear message', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const started = await browser.sendPush()
  await gateway.simulator.close()

  clock.advance(POLL_STEP_MS)
  t.equal((await browser.status()).json().state, 'waiting', 'a failed poll is retried later')
  clock.advance(started.json().secondsLeft * 1000 + 31_000)
  const ended = await browser.status()
  t.equal(ended.json().state, 'failed', 'past the push\'s expiry the login fails')
  t.match(ended.json().message, /Okta could not be reached/)
})
