/**
 * Push bombing (MFA fatigue): an attacker who knows a login sends push after push until the person
 * taps Approve to make it stop. Each test names one way of trying it and checks the defence that
 * stops it, counting the pushes that reach the simulated phone.
 */
import t from 'tap'
import { BrowserClient } from '../helpers/browser-client.ts'
import { startGateway, type RunningGateway } from '../helpers/gateway.ts'
import { auditLines, ManualClock, outcome } from './helpers.ts'

const ALICE = 'alice@example.com'

/** Returns a browser whose requests reach pushgate through the trusted proxy from `clientIp`. */
function browserFrom (gateway: RunningGateway, clientIp: string): BrowserClient {
  const browser = new BrowserClient(gateway.url)
  const fetch = browser.fetch.bind(browser)
  browser.fetch = async (path, options = {}) => await fetch(path, { ...options, headers: { 'x-forwarded-for': clientIp, ...options.headers } })
  return browser
}

/** Opens the login page in `browser` and clicks "Send push". */
async function startPush (browser: BrowserClient, login?: string) {
  await browser.openLogin()
  return await browser.sendPush(login === undefined ? {} : { login })
}

async function pushesTo (gateway: RunningGateway, login: string): Promise<number> {
  return (await gateway.sim.stats()).pushesReceived.byLogin[login] ?? 0
}

/** Returns the i-th address in 198.51.0.0/16, so every attempt comes from its own IP. */
function attackerIp (i: number): string {
  return `198.51.${Math.floor(i / 250)}.${(i % 250) + 1}`
}

t.test('push bombing from 400 IPs reaches the phone at most pushesPerUser times', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const { max } = gateway.config.limits.pushesPerUser

  const statuses: number[] = []
  for (let batch = 0; batch < 400; batch += 25) {
    const answers = await Promise.all(Array.from({ length: 25 }, async (_, i) => {
      const answer = await startPush(browserFrom(gateway, attackerIp(batch + i)))
      return answer.status
    }))
    statuses.push(...answers)
    // The attack goes on for a while: every waiting push times out before the next wave.
    clock.advance(10_000)
  }

  t.equal(await pushesTo(gateway, ALICE), max, `the phone received ${max} pushes, the default pushesPerUser`)
  t.equal(statuses.filter((status) => status === 200).length, max, 'only the allowed starts succeeded')
  t.equal(statuses.filter((status) => status === 429).length, 400 - max, 'every other start got 429')
  const waiting = await gateway.sim.pushes({ login: ALICE, state: 'WAITING' })
  t.ok(waiting.length <= 1, `at most one push waits on the phone (found ${waiting.length})`)
  const refused = auditLines(gateway).filter((line) => line.event === 'push_refused' && line.reason === 'user_limit')
  t.equal(refused.length, 400 - max, 'each refused start has an audit line')
})

t.test('push bombing with concurrent starts leaves one push waiting', async (t) => {
  const gateway = await startGateway(t)

  const answers = await Promise.all(Array.from({ length: 5 }, async (_, i) => await startPush(browserFrom(gateway, attackerIp(i)))))
  t.same(answers.map((answer) => answer.status), [200, 200, 200, 200, 200])

  const waiting = await gateway.sim.pushes({ login: ALICE, state: 'WAITING' })
  t.equal(waiting.length, 1, 'one push waits on the phone; the others were cancelled at Okta')
  const cancelled = answers.length - 1
  const pushes = await gateway.sim.pushes({ login: ALICE })
  t.equal(pushes.filter((push) => push.state !== 'WAITING').length, cancelled, `${cancelled} older pushes are no longer waiting`)
})

t.test('new push from another browser cancels the older push', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const first = browserFrom(gateway, '198.51.100.1')
  const second = browserFrom(gateway, '198.51.100.2')

  t.equal((await startPush(first)).status, 200)
  t.equal((await startPush(second)).status, 200)

  const firstOutcome = await outcome(first, clock)
  t.equal(firstOutcome.json().state, 'cancelled', 'the first browser sees its push cancelled')
  const waiting = await gateway.sim.pushes({ login: ALICE, state: 'WAITING' })
  t.equal(waiting.length, 1, 'only the newer push waits on the phone')
})

t.test('push bombing after a denial waits out the cool-down', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock })
  const attacker = browserFrom(gateway, '198.51.100.9')

  t.equal((await startPush(attacker)).status, 200)
  await gateway.sim.answerLatest(ALICE, 'deny')
  t.equal((await outcome(attacker, clock)).json().state, 'denied')

  const blocked = await startPush(browserFrom(gateway, '198.51.100.10'))
  t.equal(blocked.status, 429, 'a push right after a denial is refused, from any IP')
  const cooldownSeconds = gateway.config.limits.denialCooldownMs / 1000
  const retryAfter = Number(blocked.headers['retry-after'])
  t.ok(retryAfter > cooldownSeconds - 15 && retryAfter <= cooldownSeconds, `Retry-After ${retryAfter} is the rest of the ${cooldownSeconds} s cool-down`)
  t.equal(await pushesTo(gateway, ALICE), 1, 'the phone received only the denied push')
  t.ok(auditLines(gateway).some((line) => line.event === 'push_refused' && line.reason === 'denial_cooldown'))

  clock.advance(gateway.config.limits.denialCooldownMs)
  t.equal((await startPush(browserFrom(gateway, '198.51.100.11'))).status, 200, 'after the cool-down a push goes out again')
})

t.test('one IP starting pushes for many logins is limited', async (t) => {
  const gateway = await startGateway(t, { logins: [ALICE, 'bob@example.com'] })
  const { max } = gateway.config.limits.pushStartsPerIp
  const attacker = browserFrom(gateway, '203.0.113.50')

  for (let i = 0; i < max; i++) {
    const answer = await startPush(attacker, `guess${i}@example.com`)
    t.equal(answer.status, 200, `guess ${i} gets the usual waiting answer`)
  }
  const refused = await startPush(attacker, ALICE)
  t.equal(refused.status, 429, `start ${max + 1} from the same IP is refused`)
  t.equal(await pushesTo(gateway, ALICE), 0, 'the refused start sent nothing')
  t.ok(auditLines(gateway).some((line) => line.event === 'push_refused' && line.reason === 'ip_limit' && line.clientIp === '203.0.113.50'))

  const other = await startPush(browserFrom(gateway, '203.0.113.51'), ALICE)
  t.equal(other.status, 200, 'another IP is not affected')
})

t.test('status polling flood from one IP is limited', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock, config: { limits: { statusPollsPerIp: { max: 20, window: '1m' } } } })
  const attacker = browserFrom(gateway, '203.0.113.60')
  await startPush(attacker)

  for (let i = 0; i < 20; i++) t.equal((await attacker.status()).status, 200, `poll ${i + 1} is answered`)
  const refused = await attacker.status()
  t.equal(refused.status, 429, 'poll 21 within the minute is refused')
  t.ok(Number(refused.headers['retry-after']) <= 60, 'Retry-After is within the window')
  t.equal((await browserFrom(gateway, '203.0.113.61').status()).status, 409, 'another IP still polls (and has no push)')

  clock.advance(60_000)
  t.equal((await attacker.status()).status, 200, 'after the window polling works again')
})

t.test('untrusted peer cannot rotate its IP with X-Forwarded-For', async (t) => {
  const gateway = await startGateway(t, { logins: [ALICE, 'bob@example.com'], config: { server: { trustedProxies: ['10.0.0.0/8'] } } })
  const { max } = gateway.config.limits.pushStartsPerIp

  for (let i = 0; i < max; i++) {
    t.equal((await startPush(browserFrom(gateway, attackerIp(i)), `guess${i}@example.com`)).status, 200)
  }
  const refused = await startPush(browserFrom(gateway, attackerIp(max)), ALICE)
  t.equal(refused.status, 429, 'a new X-Forwarded-For from an untrusted peer does not reset the IP limit')
  const ips = new Set(auditLines(gateway).map((line) => line.clientIp))
  t.same([...ips], ['127.0.0.1'], 'the audit log records the TCP peer, not the forged header')
})

t.test('client behind trusted proxy cannot rotate its IP by prepending X-Forwarded-For', async (t) => {
  const gateway = await startGateway(t, { logins: [ALICE, 'bob@example.com'] })
  const { max } = gateway.config.limits.pushStartsPerIp

  // The proxy appends the address it saw; whatever the client wrote comes before it.
  for (let i = 0; i < max; i++) {
    t.equal((await startPush(browserFrom(gateway, `${attackerIp(i)}, 203.0.113.70`), `guess${i}@example.com`)).status, 200)
  }
  const refused = await startPush(browserFrom(gateway, `${attackerIp(max)}, 203.0.113.70`), ALICE)
  t.equal(refused.status, 429)
  t.ok(auditLines(gateway).every((line) => line.clientIp === '203.0.113.70'), 'pushgate counts the address the proxy saw')
})

t.test('IPv6 client rotating addresses in its /64 shares one limit', async (t) => {
  const gateway = await startGateway(t, { logins: [ALICE, 'bob@example.com'] })
  const { max } = gateway.config.limits.pushStartsPerIp

  for (let i = 0; i < max; i++) {
    t.equal((await startPush(browserFrom(gateway, `2001:db8:1:2::${(i + 1).toString(16)}`), `guess${i}@example.com`)).status, 200)
  }
  const refused = await startPush(browserFrom(gateway, '2001:db8:1:2:ffff:1:2:3'), ALICE)
  t.equal(refused.status, 429, 'another address in the same /64 is refused')
  const neighbour = await startPush(browserFrom(gateway, '2001:db8:1:3::1'), ALICE)
  t.equal(neighbour.status, 200, 'the next /64 has its own limit')
})

t.test('number challenge is on by default', async (t) => {
  const gateway = await startGateway(t)
  t.equal(gateway.config.okta.numberChallenge, true)

  const started = await startPush(browserFrom(gateway, '198.51.100.20'))
  const [push] = await gateway.sim.pushes({ login: ALICE, state: 'WAITING' })
  t.ok(push?.correctAnswer !== undefined, 'Okta was asked for number matching')
  t.equal(started.json().number, push?.correctAnswer, 'the login page shows the number to tap')
})

t.test('audit log records every push outcome with user, IP and User-Agent', async (t) => {
  const clock = new ManualClock()
  const gateway = await startGateway(t, { clock, config: { limits: { denialCooldown: '1s' } } })
  const run = async (ip: string, action: 'approve' | 'deny' | 'timeout') => {
    const browser = browserFrom(gateway, ip)
    await startPush(browser)
    await gateway.sim.answerLatest(ALICE, action)
    await outcome(browser, clock)
  }
  await run('198.51.100.31', 'deny')
  clock.advance(2_000)
  await run('198.51.100.32', 'timeout')
  await run('198.51.100.33', 'approve')
  for (let i = 0; i < 3; i++) await startPush(browserFrom(gateway, '198.51.100.34'))

  const lines = auditLines(gateway)
  const expected: Array<[string, string]> = [
    ['push_sent', '198.51.100.31'],
    ['push_denied', '198.51.100.31'],
    ['push_sent', '198.51.100.32'],
    ['push_timed_out', '198.51.100.32'],
    ['push_sent', '198.51.100.33'],
    ['push_approved', '198.51.100.33'],
    ['session_started', '198.51.100.33'],
    ['push_refused', '198.51.100.34']
  ]
  for (const [event, ip] of expected) {
    const line = lines.find((candidate) => candidate.event === event && candidate.clientIp === ip)
    t.ok(line, `${event} from ${ip} is logged`)
    t.equal(line?.user, ALICE, `${event} names the user`)
    t.match(line?.userAgent, /^Mozilla\/5\.0/, `${event} carries the User-Agent`)
  }
})
