import t from 'tap'
import { send, startHarness } from './helpers.ts'

t.test('API responses carry rate-limit headers', async (t) => {
  const { api, clock } = await startHarness(t)
  const first = await api('GET', '/api/v1/users/alice@example.com')
  const second = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(first.headers['x-rate-limit-limit'], '600')
  t.equal(first.headers['x-rate-limit-remaining'], '599')
  t.equal(second.headers['x-rate-limit-remaining'], '598')
  t.equal(Number(first.headers['x-rate-limit-reset']), clock.now() / 1000 + 60, 'reset is in UTC epoch seconds, at the end of the minute')
})

t.test('bucket exhausted gets 429 E0000047 with Remaining 0', async (t) => {
  const { api, clock } = await startHarness(t, { rateLimitPerMinute: 3 })
  for (let i = 0; i < 3; i++) t.equal((await api('GET', '/api/v1/users/alice@example.com')).status, 200)

  const limited = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(limited.status, 429)
  t.equal(limited.body.errorCode, 'E0000047')
  t.equal(limited.body.errorSummary, 'API call exceeded rate limit due to too many requests.')
  t.equal(limited.headers['x-rate-limit-limit'], '3')
  t.equal(limited.headers['x-rate-limit-remaining'], '0')
  t.equal(Number(limited.headers['x-rate-limit-reset']), clock.now() / 1000 + 60)

  clock.advance(60_000)
  const afterReset = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(afterReset.status, 200, 'a new window opens at the reset time')
  t.equal(afterReset.headers['x-rate-limit-remaining'], '2')
})

t.test('user lookups and other calls count in separate buckets', async (t) => {
  const { api, lookup } = await startHarness(t, { rateLimitPerMinute: 2 })
  const { userId, factorId } = await lookup('alice@example.com')
  t.equal((await api('GET', `/api/v1/users/${userId}/factors/${factorId}`)).status, 200)
  t.equal((await api('GET', '/api/v1/users/alice@example.com')).status, 200, 'users bucket has one left')
  t.equal((await api('GET', '/api/v1/users/alice@example.com')).status, 429)
  t.equal((await api('GET', `/api/v1/users/${userId}/factors/${factorId}`)).status, 429, 'other bucket used its two')
})

t.test('rejected tokens do not use up the bucket', async (t) => {
  const { api, sim } = await startHarness(t, { rateLimitPerMinute: 2 })
  const rejected = await send('GET', `${sim.url}/api/v1/users/alice@example.com`, { authorization: 'SSWS wrong' })
  t.equal(rejected.status, 401)
  t.equal(rejected.headers['x-rate-limit-remaining'], '2')
  t.equal((await api('GET', '/api/v1/users/alice@example.com')).headers['x-rate-limit-remaining'], '1')
})
