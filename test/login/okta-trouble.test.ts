import t from 'tap'
import { request } from 'undici'
import { BrowserClient } from '../helpers/browser-client.ts'
import { adjustableClock } from '../helpers/clock.ts'
import { ALICE, startGateway } from '../helpers/gateway.ts'
import { sealSession } from '../helpers/session.ts'

const BOB = { login: 'bob@example.com', firstName: 'Bob', lastName: 'Builder', pushFactor: 'none' as const }
const CAROL = { login: 'carol@example.com', firstName: 'Carol', lastName: 'Jones', status: 'SUSPENDED' as const }

async function startPush (gateway: { url: string }, login?: string) {
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const answer = await browser.sendPush(login === undefined ? {} : { login })
  return { browser, answer }
}

t.test('Okta answering 500 gets a clear 503 and sends nothing', async (t) => {
  const gateway = await startGateway(t)
  await gateway.sim.fault({ status: 500, errorCode: 'E0000009', times: 20 })
  const { answer } = await startPush(gateway)
  t.equal(answer.status, 503)
  t.match(answer.json().message, /Okta cannot be reached/)
  t.notMatch(answer.body, /at .*\.ts/, 'no stack trace')
})

t.test('Okta rejecting the API token (401) gets a 503 and the log names the token', async (t) => {
  const gateway = await startGateway(t)
  await gateway.sim.fault({ status: 401, errorCode: 'E0000011', times: 20 })
  const { answer } = await startPush(gateway)
  t.equal(answer.status, 503)
  t.ok(gateway.logs.some((line) => JSON.stringify(line).includes('E0000011')), 'the log carries Okta\'s errorCode')
  t.notOk(gateway.rawLog().includes(gateway.apiToken), 'the token never reaches the log')
})

t.test('Okta rate limiting (429) says how long to wait', async (t) => {
  const gateway = await startGateway(t)
  await gateway.sim.fault({ status: 429, rateLimitResetSeconds: 40, times: 20 })
  const { answer } = await startPush(gateway)
  t.equal(answer.status, 503)
  t.match(answer.json().message, /Try again in \d+ seconds/)
})

t.test('Okta hanging times out instead of waiting forever', async (t) => {
  const gateway = await startGateway(t, { config: { okta: { requestTimeout: '1s' } } })
  await gateway.sim.fault({ hang: true, times: 20 })
  const started = Date.now()
  const { answer } = await startPush(gateway)
  t.equal(answer.status, 503)
  t.ok(Date.now() - started < 8000, 'the answer comes within a few request timeouts')
})

t.test('sessions keep working while Okta is down', async (t) => {
  const gateway = await startGateway(t)
  const cookie = `pushgate_session=${await sealSession(gateway, ALICE.login)}`
  await gateway.simulator.close()
  const response = await request(`${gateway.url}/authz/forward-auth`, { headers: { cookie, 'x-forwarded-host': '127.0.0.1:8080', 'x-forwarded-uri': '/' } })
  await response.body.dump()
  t.equal(response.statusCode, 200)
})

t.test('polling survives an Okta blip and still sees the approval', async (t) => {
  const gateway = await startGateway(t)
  const { browser } = await startPush(gateway)
  await gateway.sim.fault({ status: 500, times: 3, pathContains: '/transactions/' })
  await gateway.sim.answerLatest(ALICE.login, 'approve')
  t.equal((await browser.waitForOutcome(20_000)).json().state, 'approved')
})

t.test('logins that cannot get a push look exactly like a real push', async (t) => {
  const clock = adjustableClock()
  const gateway = await startGateway(t, { clock, oktaUsers: [ALICE, BOB, CAROL], logins: [ALICE.login, BOB.login, CAROL.login] })

  const real = await startPush(gateway, ALICE.login)
  const cases = {
    'unknown login': await startPush(gateway, 'nobody@example.com'),
    'user without a push factor': await startPush(gateway, BOB.login),
    'suspended user': await startPush(gateway, CAROL.login)
  }
  t.equal((await gateway.sim.stats()).pushesReceived.total, 1, 'only the real user got a push')

  const realView = real.answer.json()
  for (const [name, { answer }] of Object.entries(cases)) {
    const view = answer.json()
    t.equal(answer.status, 200, `${name}: same status`)
    t.same(Object.keys(view).sort(), Object.keys(realView).sort(), `${name}: same fields`)
    t.equal(view.state, 'waiting', `${name}: same state`)
    t.equal(typeof view.number, 'number', `${name}: a number to tap, as for a real push`)
  }

  clock.advance(6 * 60_000)
  const realEnd = (await real.browser.waitForOutcome()).json()
  t.equal(realEnd.state, 'timed_out')
  for (const [name, { browser }] of Object.entries(cases)) {
    const end = (await browser.waitForOutcome()).json()
    t.equal(end.state, realEnd.state, `${name}: ends the same way`)
    t.equal(end.message, realEnd.message, `${name}: with the same message`)
  }

  const reasons = gateway.logs.filter((line) => line.event === 'push_refused').map((line) => line.reason)
  t.same(reasons.sort(), ['no_active_push_factor', 'unknown_login', 'user_status_suspended'], 'the log says which case it was')
})

t.test('a user unknown to Okta gets the same answer as an unknown login', async (t) => {
  const gateway = await startGateway(t, { oktaUsers: [ALICE], logins: [ALICE.login, 'ghost@example.com'] })
  const { answer } = await startPush(gateway, 'ghost@example.com')
  t.equal(answer.status, 200)
  t.equal(answer.json().state, 'waiting')
  t.ok(gateway.logs.some((line) => line.reason === 'okta_E0000007'), 'the log records Okta\'s not-found')
})
