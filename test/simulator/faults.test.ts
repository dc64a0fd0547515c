import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { request } from 'undici'
import { API_TOKEN, startHarness } from './helpers.ts'

t.test('fault answers 500 with an Okta body, then clears', async (t) => {
  const { api, control } = await startHarness(t)
  const created = await control('POST', '/faults', { status: 500, times: 2 })
  t.equal(created.status, 201)

  for (let i = 0; i < 2; i++) {
    const failed = await api('GET', '/api/v1/users/alice@example.com')
    t.equal(failed.status, 500)
    t.equal(failed.body.errorCode, 'E0000009')
    t.equal(failed.body.errorSummary, 'Internal Server Error')
    t.ok(failed.headers['x-rate-limit-remaining'], 'still carries rate-limit headers')
  }
  t.equal((await api('GET', '/api/v1/users/alice@example.com')).status, 200, 'used up after `times` requests')
})

t.test('fault with pathContains hits only matching requests', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  await control('POST', '/faults', { status: 503, errorCode: 'E0000010', pathContains: '/verify' })

  t.equal((await api('GET', '/api/v1/users/alice@example.com')).status, 200)
  const failed = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  t.equal(failed.status, 503)
  t.equal(failed.body.errorCode, 'E0000010')
  t.equal((await control('GET', '/pushes')).body.length, 0, 'the failed verify sent no push')
})

t.test('429 fault carries X-Rate-Limit-Reset', async (t) => {
  const { api, clock, control } = await startHarness(t)
  await control('POST', '/faults', { status: 429, rateLimitResetSeconds: 7 })
  const limited = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(limited.status, 429)
  t.equal(limited.body.errorCode, 'E0000047')
  t.equal(limited.headers['x-rate-limit-remaining'], '0')
  t.equal(Number(limited.headers['x-rate-limit-reset']), clock.now() / 1000 + 7)
})

t.test('delay fault answers late but answers', async (t) => {
  const { api, control } = await startHarness(t)
  await control('POST', '/faults', { delayMs: 300 })
  const started = performance.now()
  const response = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(response.status, 200)
  t.ok(performance.now() - started >= 290, 'waited about delayMs')
})

t.test('hang fault makes the client time out and close() still ends', async (t) => {
  const { control, sim } = await startHarness(t)
  await control('POST', '/faults', { hang: true })

  const attempt = request(`${sim.url}/api/v1/users/alice@example.com`, {
    headers: { authorization: `SSWS ${API_TOKEN}` },
    headersTimeout: 300
  })
  await t.rejects(attempt, { code: 'UND_ERR_HEADERS_TIMEOUT' })

  // A second hung request is still open when the simulator closes.
  await control('POST', '/faults', { hang: true })
  const open = request(`${sim.url}/api/v1/users/alice@example.com`, { headers: { authorization: `SSWS ${API_TOKEN}` } })
  open.catch(() => {})
  await sleep(50)
  await sim.close()
  await t.rejects(open, 'the hung socket is destroyed on close')
})

t.test('DELETE /_sim/faults clears pending faults', async (t) => {
  const { api, control } = await startHarness(t)
  await control('POST', '/faults', { status: 500, times: 5 })
  t.equal((await control('GET', '/faults')).body.faults.length, 1)
  t.equal((await control('DELETE', '/faults')).status, 204)
  t.equal((await api('GET', '/api/v1/users/alice@example.com')).status, 200)
})

t.test('invalid fault is rejected with the reason', async (t) => {
  const { control } = await startHarness(t)
  const cases = [
    [{}, /does nothing/],
    [{ status: 200 }, /status is 200/],
    [{ hang: true, status: 500 }, /cannot be combined/],
    [{ delayMs: -1 }, /delayMs/]
  ] as const
  for (const [body, message] of cases) {
    const response = await control('POST', '/faults', body)
    t.equal(response.status, 400, JSON.stringify(body))
    t.match(response.body.error, message)
  }
})
