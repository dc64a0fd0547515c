import t from 'tap'
import { OktaApiError, OktaBadResponseError, isPushFailure, pushOutcome, type PushOutcome } from '../../src/okta/index.ts'
import { FACTOR_ID, USER_ID, caught, createClient, oktaError, requestAt, sendJson, startFakeOkta, type FakeOkta } from './helpers.ts'

const BROWSER_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'
const CONTEXT = { userAgent: BROWSER_UA, clientIp: '203.0.113.7', numberChallenge: false }
const TRANSACTION = `/api/v1/users/${USER_ID}/factors/${FACTOR_ID}/transactions/v2mst.Gz4PMWCxQMa4bEk2Ak81lq`

/** Builds a WAITING challenge as Okta documents it, with number matching and fields the client ignores. */
function waitingBody (fake: FakeOkta): object {
  return {
    expiresAt: '2024-05-01T10:05:00.000Z',
    factorResult: 'WAITING',
    factorMessage: null,
    profile: { credentialId: 'alice@example.com', deviceType: 'SmartPhone_IPhone' },
    _links: {
      poll: { href: fake.link(TRANSACTION), hints: { allow: ['GET'] } },
      cancel: { href: fake.link(TRANSACTION), hints: { allow: ['DELETE'] } }
    },
    _embedded: { challenge: { correctAnswer: 72 } }
  }
}

t.test('verify sends the browser context', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 201, waitingBody(server)))
  const client = createClient(t, fake)

  await client.verifyPush(USER_ID, FACTOR_ID, CONTEXT)
  const request = requestAt(fake, 0)
  t.equal(request.method, 'POST')
  t.equal(request.url, `/api/v1/users/${USER_ID}/factors/${FACTOR_ID}/verify`)
  t.equal(request.headers['user-agent'], BROWSER_UA)
  t.equal(request.headers['x-forwarded-for'], '203.0.113.7')
})

t.test('verify with number challenge sends the body field', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 201, waitingBody(server)))
  const client = createClient(t, fake)

  const challenge = await client.verifyPush(USER_ID, FACTOR_ID, { ...CONTEXT, numberChallenge: true })
  const request = requestAt(fake, 0)
  t.equal(request.headers['content-type'], 'application/json')
  t.same(JSON.parse(request.body), { useNumberMatchingChallenge: true })
  t.equal(request.url, `/api/v1/users/${USER_ID}/factors/${FACTOR_ID}/verify`, 'no query parameter')
  t.same(challenge, {
    result: 'WAITING',
    outcome: 'waiting',
    pollUrl: fake.link(TRANSACTION),
    cancelUrl: fake.link(TRANSACTION),
    expiresAt: Date.parse('2024-05-01T10:05:00.000Z'),
    correctAnswer: 72
  })
})

t.test('verify returning 200 is a failure', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 200, waitingBody(server)))
  const client = createClient(t, fake)

  const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, CONTEXT)) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.status, 200)
  t.equal(error.reason, 'expected status 201, got 200')
  t.equal(error.message, `Okta sent an unexpected response to POST /api/v1/users/${USER_ID}/factors/${FACTOR_ID}/verify: expected status 201, got 200`)
})

t.test('verify without a poll link is a failure', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 201, { factorResult: 'WAITING' }))
  const client = createClient(t, fake)

  const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, CONTEXT)) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.reason, 'the push challenge has no poll link')
})

t.test('response without factorResult fails', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, { expiresAt: '2024-05-01T10:05:00.000Z' }))
  const client = createClient(t, fake)

  const error = await caught(client.pollPush(fake.link(TRANSACTION))) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.reason, 'the response has no factorResult')
})

t.test('verify rejects a bad client IP before sending', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 201, {}))
  const client = createClient(t, fake)

  for (const clientIp of ['', 'unknown', '203.0.113.7, 10.0.0.1', '203.0.113.7\r\nX-Evil: 1']) {
    const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, { ...CONTEXT, clientIp }))
    t.type(error, TypeError, JSON.stringify(clientIp))
  }
  t.equal(fake.requests.length, 0)
})

t.test('verify accepts an IPv6 client', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 201, waitingBody(server)))
  const client = createClient(t, fake)

  await client.verifyPush(USER_ID, FACTOR_ID, { ...CONTEXT, clientIp: '2001:db8::7' })
  t.equal(requestAt(fake, 0).headers['x-forwarded-for'], '2001:db8::7')
})

t.test('verify drops header-breaking characters from the User-Agent', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 201, waitingBody(server)))
  const client = createClient(t, fake)

  await client.verifyPush(USER_ID, FACTOR_ID, { ...CONTEXT, userAgent: 'Mozilla/5.0\r\nX-Evil: 1 (Phone\u{1F4F1})' })
  t.equal(requestAt(fake, 0).headers['user-agent'], 'Mozilla/5.0X-Evil: 1 (Phone)')
  t.equal(requestAt(fake, 0).headers['x-evil'], undefined)

  await client.verifyPush(USER_ID, FACTOR_ID, { ...CONTEXT, userAgent: '' })
  t.equal(requestAt(fake, 1).headers['user-agent'], 'pushgate', 'an empty User-Agent falls back to pushgate')
})

t.test('poll maps every factorResult', async (t) => {
  const cases: Array<[string, PushOutcome]> = [
    ['WAITING', 'waiting'],
    ['SUCCESS', 'approved'],
    ['REJECTED', 'denied'],
    ['TIMEOUT', 'timed_out'],
    ['CANCELLED', 'cancelled'],
    ['PASSCODE_REPLAYED', 'failed'],
    ['ERROR', 'failed'],
    ['success', 'failed']
  ]
  let result = 'WAITING'
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, { factorResult: result, profile: { credentialId: 'alice@example.com' }, _links: { verify: { href: 'https://elsewhere.test/verify' } } })
  })
  const client = createClient(t, fake)

  for (const [factorResult, outcome] of cases) {
    result = factorResult
    const status = await client.pollPush(fake.link(TRANSACTION))
    t.equal(status.result, factorResult)
    t.equal(status.outcome, outcome, `${factorResult} is ${outcome}`)
  }
})

t.test('unknown factorResult is a failure', async (t) => {
  t.equal(pushOutcome('PASSCODE_REPLAYED'), 'failed')
  t.equal(pushOutcome('constructor'), 'failed')
  t.ok(isPushFailure('failed'))
  t.ok(isPushFailure('denied'))
  t.ok(isPushFailure('timed_out'))
  t.ok(isPushFailure('cancelled'))
  t.notOk(isPushFailure('waiting'))
  t.notOk(isPushFailure('approved'))
})

t.test('poll returns the next poll link and number', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 200, waitingBody(server)))
  const client = createClient(t, fake)

  const status = await client.pollPush(fake.link(TRANSACTION))
  t.equal(status.pollUrl, fake.link(TRANSACTION))
  t.equal(status.correctAnswer, 72)
  t.equal(requestAt(fake, 0).method, 'GET')
  t.equal(requestAt(fake, 0).url, TRANSACTION)
})

t.test('poll reads a number sent as a string', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, { factorResult: 'WAITING', expiresAt: 'not a date', _embedded: { challenge: { correctAnswer: '38' } } })
  })
  const client = createClient(t, fake)

  const status = await client.pollPush(fake.link(TRANSACTION))
  t.equal(status.correctAnswer, 38)
  t.equal(status.expiresAt, undefined, 'an invalid time is left out')
})

t.test('cancel accepts 200, 202, 204 and 404', async (t) => {
  for (const status of [200, 202, 204, 404]) {
    const fake = await startFakeOkta(t, (_request, response) => {
      if (status === 204) {
        response.writeHead(204)
        response.end()
        return
      }
      sendJson(response, status, status === 404 ? oktaError('E0000007', 'Not found: Resource not found: x (Transaction)') : {})
    })
    const client = createClient(t, fake)

    await client.cancelPush(fake.link(TRANSACTION))
    t.equal(requestAt(fake, 0).method, 'DELETE', `${status} accepted`)
  }
})

t.test('cancel failing with 500 throws once', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 500, oktaError('E0000009', 'Internal Server Error')))
  const client = createClient(t, fake)

  const error = await caught(client.cancelPush(fake.link(TRANSACTION)))
  t.type(error, OktaApiError)
  t.equal(fake.requests.length, 1, 'DELETE is not retried')
})
