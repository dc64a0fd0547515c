import t from 'tap'
import { OktaRateLimitError } from '../../src/okta/index.ts'
import { UNKNOWN_RESET_WAIT_MS, rateLimitWait } from '../../src/okta/rate-limit.ts'
import { FACTOR_ID, USER_BODY, USER_ID, caught, createClient, oktaError, sendJson, startFakeOkta } from './helpers.ts'

const NOW = Date.parse('2024-05-01T10:00:00.000Z')
const NOW_SECONDS = NOW / 1000
const SERVER_DATE = new Date(NOW).toUTCString()
const TOO_MANY = oktaError('E0000047', 'API call exceeded rate limit due to too many requests.')

function limitHeaders (resetSeconds: number | string[]): Record<string, string | string[]> {
  const reset = Array.isArray(resetSeconds) ? resetSeconds : String(resetSeconds)
  return { date: SERVER_DATE, 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset }
}

t.test('rateLimitWait uses the Date header', async (t) => {
  // Our clock is 10 minutes ahead of Okta's; the wait must not change.
  const wait = rateLimitWait({ date: SERVER_DATE, 'x-rate-limit-reset': String(NOW_SECONDS + 30) }, NOW + 600_000)
  t.equal(wait.waitMs, 31_000, '30 s to the reset plus a 1 s margin')
  t.equal(wait.retryAt, NOW + 600_000 + 31_000)
})

t.test('rateLimitWait without Date uses the clock', async (t) => {
  const wait = rateLimitWait({ 'x-rate-limit-reset': String(NOW_SECONDS + 5) }, NOW)
  t.equal(wait.waitMs, 6_000)
})

t.test('rateLimitWait with a past reset waits the margin', async (t) => {
  const wait = rateLimitWait({ date: SERVER_DATE, 'x-rate-limit-reset': String(NOW_SECONDS - 100) }, NOW)
  t.equal(wait.waitMs, 1_000)
})

t.test('rateLimitWait distrusts bad reset headers', async (t) => {
  const cases: Array<[string, string | string[] | undefined]> = [
    ['missing', undefined],
    ['duplicated', [String(NOW_SECONDS + 1), String(NOW_SECONDS + 50)]],
    ['merged by a proxy', `${NOW_SECONDS + 1}, ${NOW_SECONDS + 50}`],
    ['not a number', 'soon'],
    ['negative', '-5']
  ]
  for (const [name, reset] of cases) {
    const headers = reset === undefined ? { date: SERVER_DATE } : { date: SERVER_DATE, 'x-rate-limit-reset': reset }
    const wait = rateLimitWait(headers, NOW)
    t.equal(wait.waitMs, undefined, `${name}: no wait`)
    t.equal(wait.retryAt, NOW + UNKNOWN_RESET_WAIT_MS, `${name}: retry after a minute`)
  }
})

t.test('GET waits for a near reset and retries once', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => {
    if (server.requests.length === 1) return sendJson(response, 429, TOO_MANY, limitHeaders(NOW_SECONDS))
    sendJson(response, 200, USER_BODY)
  })
  const client = createClient(t, fake, { maxRateLimitWaitMs: 1_500 })

  const started = performance.now()
  const user = await client.getUser(USER_ID)
  t.equal(user.id, USER_ID)
  t.equal(fake.requests.length, 2)
  t.ok(performance.now() - started >= 950, 'waited the 1 s margin')
})

t.test('GET after two 429s gives up', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 429, TOO_MANY, limitHeaders(NOW_SECONDS)))
  const client = createClient(t, fake, { maxRateLimitWaitMs: 1_500, clock: { now: () => NOW } })

  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaRateLimitError)
  t.equal((error as OktaRateLimitError).retryAt, NOW + 1_000)
  t.equal(fake.requests.length, 2, 'retried once only')
})

t.test('far reset throws with retryAt', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 429, TOO_MANY, { ...limitHeaders(NOW_SECONDS + 45), 'x-okta-request-id': 'req-429' })
  })
  const client = createClient(t, fake, { clock: { now: () => NOW } })

  const started = performance.now()
  const error = await caught(client.getUser(USER_ID)) as OktaRateLimitError
  t.type(error, OktaRateLimitError)
  t.equal(error.retryAt, NOW + 46_000)
  t.equal(error.errorCode, 'E0000047')
  t.equal(error.requestId, 'req-429')
  t.equal(error.code, 'PG_ERR_OKTA_RATE_LIMITED')
  t.equal(error.message, `Okta rate limit reached for GET /api/v1/users/${USER_ID}; retry after 2024-05-01T10:00:46.000Z`)
  t.equal(fake.requests.length, 1)
  t.ok(performance.now() - started < 500, 'did not wait')
})

t.test('duplicated reset header is not trusted', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 429, TOO_MANY, limitHeaders([String(NOW_SECONDS), String(NOW_SECONDS)]))
  })
  const client = createClient(t, fake, { maxRateLimitWaitMs: 5_000, clock: { now: () => NOW } })

  const error = await caught(client.getUser(USER_ID)) as OktaRateLimitError
  t.type(error, OktaRateLimitError)
  t.equal(error.retryAt, NOW + UNKNOWN_RESET_WAIT_MS)
  t.equal(fake.requests.length, 1, 'no retry on a header it cannot trust')
})

t.test('verify never waits on 429', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 429, TOO_MANY, limitHeaders(NOW_SECONDS)))
  const client = createClient(t, fake, { maxRateLimitWaitMs: 5_000, clock: { now: () => NOW } })

  const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, { userAgent: 'Mozilla/5.0', clientIp: '203.0.113.7', numberChallenge: true }))
  t.type(error, OktaRateLimitError)
  t.equal((error as OktaRateLimitError).retryAt, NOW + 1_000)
  t.equal(fake.requests.length, 1)
})

t.test('default wait is 2 seconds', async (t) => {
  // A reset 1 s away is a 2 s wait with the margin: within the default, so it is retried.
  const fake = await startFakeOkta(t, (_request, response, server) => {
    const nowSeconds = Math.floor(Date.now() / 1000)
    const headers = { date: new Date(nowSeconds * 1000).toUTCString(), 'x-rate-limit-reset': String(nowSeconds + 1) }
    if (server.requests.length === 1) return sendJson(response, 429, TOO_MANY, headers)
    sendJson(response, 200, USER_BODY)
  })
  const client = createClient(t, fake)

  await client.getUser(USER_ID)
  t.equal(fake.requests.length, 2)
})
