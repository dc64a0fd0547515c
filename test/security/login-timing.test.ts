/**
 * User enumeration by timing: a login that gets a real push costs several Okta calls, while one
 * that cannot get a push costs fewer or none. An attacker who times a single "Send push" must
 * not learn which case it was.
 */
import t from 'tap'
import { BrowserClient } from '../helpers/browser-client.ts'
import { ALICE, startGateway } from '../helpers/gateway.ts'
import { MIN_PUSH_START_MS } from '../../src/login/push-service.ts'

/** Okta's own latency in this test; large, so that the difference would stand out if it leaked. */
const OKTA_DELAY_MS = 150

t.test('push start timing does not reveal which logins can get a push', async (t) => {
  const gateway = await startGateway(t, {
    minPushStartMs: MIN_PUSH_START_MS,
    oktaUsers: [
      ALICE,
      { login: 'sam@example.com', status: 'SUSPENDED' },
      { login: 'nora@example.com', pushFactor: 'none' }
    ],
    logins: [ALICE.login, 'sam@example.com', 'nora@example.com'],
    config: { limits: { pushStartsPerIp: { max: 100 } } }
  })
  await gateway.sim.fault({ delayMs: OKTA_DELAY_MS, times: 1000, pathContains: '/api/v1/users' })

  const timeStart = async (login: string): Promise<number> => {
    const browser = new BrowserClient(gateway.url)
    await browser.openLogin()
    const started = performance.now()
    const answer = await browser.sendPush({ login })
    t.equal(answer.status, 200, `${login} gets the waiting state`)
    return performance.now() - started
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

  // The first real push teaches pushgate how long Okta takes.
  await timeStart(ALICE.login)
  const cases: Record<string, string> = {
    'real push': ALICE.login,
    'unknown login': 'nobody@example.com',
    'suspended user': 'sam@example.com',
    'user without a push factor': 'nora@example.com'
  }
  const medians: Record<string, number> = {}
  for (const [name, login] of Object.entries(cases)) {
    const samples: number[] = []
    for (let round = 0; round < 3; round++) samples.push(await timeStart(login))
    medians[name] = median(samples)
  }

  const real = medians['real push'] ?? 0
  t.ok(real >= 3 * OKTA_DELAY_MS, `a real push costs several Okta calls (${Math.round(real)} ms)`)
  for (const [name, value] of Object.entries(medians)) {
    t.ok(Math.abs(value - real) < real * 0.25, `${name} answers within 25 % of a real push (${Math.round(value)} ms against ${Math.round(real)} ms)`)
  }
})
