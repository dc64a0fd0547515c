import t from 'tap'
import { OktaApiError, OktaBadResponseError, OktaClient, OktaTimeoutError, OktaUnreachableError, isOktaNotFound } from '../../src/okta/index.ts'
import { MAX_BODY_BYTES } from '../../src/okta/exchange.ts'
import {
  FACTOR_ID, TOKEN, USER_BODY, USER_ID, caught, captureLogger, createClient, oktaError, requestAt, sendJson, startFakeOkta
} from './helpers.ts'

const PUSH_CONTEXT = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0', clientIp: '203.0.113.7', numberChallenge: false }

t.test('requests carry the SSWS token and Accept', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, USER_BODY))
  const client = createClient(t, fake)

  await client.getUser(USER_ID)
  const request = requestAt(fake, 0)
  t.equal(request.method, 'GET')
  t.equal(request.headers.authorization, `SSWS ${TOKEN}`)
  t.equal(request.headers.accept, 'application/json')
  t.equal(request.headers['user-agent'], 'pushgate')
})

t.test('body-less POST sends Content-Length 0', async (t) => {
  const fake = await startFakeOkta(t, (request, response) => {
    // Okta's rule: a POST with neither a body nor Content-Length gets 411.
    if (request.headers['content-length'] === undefined) {
      response.writeHead(411)
      response.end()
      return
    }
    sendJson(response, 201, { factorResult: 'WAITING', _links: { poll: { href: `${fake.url.origin}/poll/1` } } })
  })
  const client = createClient(t, fake)

  await client.verifyPush(USER_ID, FACTOR_ID, PUSH_CONTEXT)
  const request = requestAt(fake, 0)
  t.equal(request.headers['content-length'], '0')
  t.equal(request.headers['content-type'], undefined)
  t.equal(request.body, '')
})

t.test('GET retries a 500 and then succeeds', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => {
    if (server.requests.length < 3) return sendJson(response, 500, oktaError('E0000009', 'Internal Server Error'))
    sendJson(response, 200, USER_BODY)
  })
  const client = createClient(t, fake)

  const user = await client.getUser(USER_ID)
  t.equal(user.id, USER_ID)
  t.equal(fake.requests.length, 3, 'two retries')
})

t.test('GET gives up after two retries', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 500, oktaError('E0000009', 'Internal Server Error')))
  const client = createClient(t, fake)

  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaApiError)
  t.equal((error as OktaApiError).status, 500)
  t.equal((error as OktaApiError).errorCode, 'E0000009')
  t.equal(fake.requests.length, 3)
})

t.test('GET retries within the time limit only', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    setTimeout(() => sendJson(response, 503, oktaError('E0000009', 'Internal Server Error')), 150)
  })
  const client = createClient(t, fake, { timeoutMs: 400 })

  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaApiError)
  t.equal(fake.requests.length, 1, 'no time left for a 250 ms backoff and another attempt')
})

t.test('verify is never retried after a 500', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 500, oktaError('E0000009', 'Internal Server Error')))
  const client = createClient(t, fake)

  const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, PUSH_CONTEXT))
  t.type(error, OktaApiError)
  t.equal(fake.requests.length, 1, 'one push only')
})

t.test('verify is never retried after a dropped connection', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => { response.socket?.destroy() })
  const client = createClient(t, fake)

  const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, PUSH_CONTEXT))
  t.type(error, OktaUnreachableError)
  t.equal(fake.requests.length, 1, 'one push only')
})

t.test('GET retries a dropped connection', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => { response.socket?.destroy() })
  const client = createClient(t, fake)

  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaUnreachableError)
  t.equal((error as OktaUnreachableError).reason, 'UND_ERR_SOCKET')
  t.equal(fake.requests.length, 3)
})

t.test('closed port is OktaUnreachableError', async (t) => {
  // Nothing listens on port 1 of the loopback address, so the connection is refused at once.
  const closedUrl = new URL('http://127.0.0.1:1')
  const client = new OktaClient({ orgUrl: closedUrl, apiToken: TOKEN, timeoutMs: 2_000 })
  t.teardown(() => client.close())

  const error = await caught(client.ping())
  t.type(error, OktaUnreachableError)
  t.equal((error as OktaUnreachableError).reason, 'ECONNREFUSED')
  t.equal((error as OktaUnreachableError).origin, closedUrl.origin)
})

t.test('server that never responds times out', async (t) => {
  const fake = await startFakeOkta(t, () => {})
  const client = createClient(t, fake, { timeoutMs: 300 })

  const started = performance.now()
  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaTimeoutError)
  t.equal((error as OktaTimeoutError).timeoutMs, 300)
  t.ok(performance.now() - started < 1_500, 'gives up near the time limit')
  t.equal(fake.requests.length, 1, 'a timeout is not retried: the time limit is spent')
})

t.test('body that stalls times out', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('{"id":')
  })
  const client = createClient(t, fake, { timeoutMs: 300 })

  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaTimeoutError)
})

t.test('non-JSON body is OktaBadResponseError', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' })
    response.end('<html>Sign in</html>')
  })
  const client = createClient(t, fake)

  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaBadResponseError)
  t.equal((error as OktaBadResponseError).reason, 'the body is not JSON')
  t.equal((error as OktaBadResponseError).status, 200)
})

t.test('redirect is not followed', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' })
    response.end()
  })
  const client = createClient(t, fake)

  const error = await caught(client.getUser(USER_ID))
  t.type(error, OktaBadResponseError)
  t.equal((error as OktaBadResponseError).reason, 'expected status 200, got 302')
  t.equal(fake.requests.length, 1)
})

t.test('Okta error bodies become OktaApiError', async (t) => {
  const cases = [
    { status: 401, errorCode: 'E0000011', summary: 'Invalid token provided' },
    { status: 403, errorCode: 'E0000006', summary: 'You do not have permission to perform the requested action' },
    { status: 404, errorCode: 'E0000007', summary: 'Not found: Resource not found: nobody@example.com (User)' },
    { status: 500, errorCode: 'E0000009', summary: 'Internal Server Error' }
  ]
  for (const { status, errorCode, summary } of cases) {
    const fake = await startFakeOkta(t, (_request, response) => {
      sendJson(response, status, oktaError(errorCode, summary), { 'x-okta-request-id': 'req-test-1' })
    })
    const client = createClient(t, fake)

    const error = await caught(client.getUser('nobody@example.com'))
    t.type(error, OktaApiError, `${status} is OktaApiError`)
    const apiError = error as OktaApiError
    t.equal(apiError.status, status)
    t.equal(apiError.errorCode, errorCode)
    t.equal(apiError.errorSummary, summary)
    t.equal(apiError.errorId, 'oaeTestError0001')
    t.equal(apiError.requestId, 'req-test-1')
    t.equal(apiError.method, 'GET')
    t.equal(apiError.path, '/api/v1/users/nobody%40example.com')
    t.equal(apiError.code, 'PG_ERR_OKTA_API')
    t.equal(apiError.message, `Okta answered ${status} to GET /api/v1/users/nobody%40example.com: ${errorCode} ${summary}`)
    t.equal(isOktaNotFound(error), status === 404, `isOktaNotFound for ${status}`)
  }
})

t.test('error without an Okta body keeps the status', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    response.writeHead(403, { 'content-type': 'text/plain' })
    response.end('Forbidden')
  })
  const client = createClient(t, fake)

  const error = await caught(client.getUser(USER_ID)) as OktaApiError
  t.type(error, OktaApiError)
  t.equal(error.status, 403)
  t.equal(error.errorCode, undefined)
  t.match(error.message, /no error details$/)
})

t.test('errorCauses are kept', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 400, { ...oktaError('E0000001', 'Api validation failed: factorEnrollRequest'), errorCauses: [{ errorSummary: 'A factor of this type is already set up.' }] })
  })
  const client = createClient(t, fake)

  const error = await caught(client.enrollPush(USER_ID)) as OktaApiError
  t.same(error.errorCauses, ['A factor of this type is already set up.'])
})

t.test('message leaves out the query string', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 500, oktaError('E0000009', 'Internal Server Error')))
  const client = createClient(t, fake)

  const error = await caught(client.listGroupNames(USER_ID)) as OktaApiError
  t.equal(requestAt(fake, 0).url, `/api/v1/users/${USER_ID}/groups?limit=200`)
  t.equal(error.path, `/api/v1/users/${USER_ID}/groups`)
  t.notMatch(error.message, /limit=/)
})

t.test('lastSuccessAt follows the clock on success only', async (t) => {
  let status = 200
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, status, status === 200 ? USER_BODY : oktaError('E0000011', 'Invalid token provided')))
  let now = 1_700_000_000_000
  const client = createClient(t, fake, { clock: { now: () => now } })

  t.equal(client.lastSuccessAt, undefined)
  await client.ping()
  t.equal(client.lastSuccessAt, 1_700_000_000_000)

  now += 5_000
  status = 401
  await caught(client.ping())
  t.equal(client.lastSuccessAt, 1_700_000_000_000, 'a failed call leaves it')
})

t.test('ping reads users/me', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, USER_BODY))
  const client = createClient(t, fake)

  await client.ping()
  t.equal(requestAt(fake, 0).url, '/api/v1/users/me')
})

t.test('failed call logs one warn line', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 401, oktaError('E0000011', 'Invalid token provided'), { 'x-okta-request-id': 'req-401' })
  })
  const capture = captureLogger()
  const client = createClient(t, fake, { logger: capture.logger })

  await caught(client.listGroupNames(USER_ID))
  const lines = capture.lines()
  t.equal(lines.length, 1)
  const line = lines[0]
  t.equal(line?.level, 40, 'warn')
  t.equal(line?.msg, 'Okta API call failed')
  t.equal(line?.['method'], 'GET')
  t.equal(line?.['path'], `/api/v1/users/${USER_ID}/groups`)
  t.equal(line?.['status'], 401)
  t.equal(line?.['errorCode'], 'E0000011')
  t.equal(line?.['requestId'], 'req-401')
})

t.test('unknown user logs at debug', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 404, oktaError('E0000007', 'Not found: Resource not found: x (User)')))
  const capture = captureLogger()
  const client = createClient(t, fake, { logger: capture.logger })

  await caught(client.getUser('x@example.com'))
  t.same(capture.lines().map((line) => line.level), [20])
})

t.test('retries log at debug before the final warn', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 502, oktaError('E0000009', 'Internal Server Error')))
  const capture = captureLogger()
  const client = createClient(t, fake, { logger: capture.logger })

  await caught(client.getUser(USER_ID))
  t.same(capture.lines().map((line) => line.level), [20, 20, 40])
})

t.test('constructor rejects bad options', async (t) => {
  const orgUrl = new URL('https://example.okta.com')
  t.throws(() => new OktaClient({ orgUrl, apiToken: `${TOKEN}\n`, timeoutMs: 1_000 }), /apiToken is empty or contains/)
  t.throws(() => new OktaClient({ orgUrl, apiToken: '', timeoutMs: 1_000 }), /apiToken is empty/)
  t.throws(() => new OktaClient({ orgUrl, apiToken: TOKEN, timeoutMs: 0 }), /timeoutMs is 0/)
  t.throws(() => new OktaClient({ orgUrl, apiToken: TOKEN, timeoutMs: 1_000, maxRateLimitWaitMs: -1 }), /maxRateLimitWaitMs is -1/)
  t.throws(() => new OktaClient({ orgUrl: new URL('ftp://example.okta.com'), apiToken: TOKEN, timeoutMs: 1_000 }), /must be an https URL/)
})

t.test('bad token message leaves the token out', async (t) => {
  const error = await caught(Promise.resolve().then(() => new OktaClient({ orgUrl: new URL('https://example.okta.com'), apiToken: `${TOKEN} `, timeoutMs: 1_000 })))
  t.notMatch(String(error), TOKEN)
})

t.test('orgUrl path is dropped', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, USER_BODY))
  const client = createClient(t, fake, { orgUrl: new URL('/admin/dashboard?x=1', fake.url) })

  await client.getUser(USER_ID)
  t.equal(client.orgUrl.href, `${fake.url.origin}/`)
  t.equal(requestAt(fake, 0).url, `/api/v1/users/${USER_ID}`)
})

t.test('oversized body is OktaBadResponseError', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(`"${'x'.repeat(MAX_BODY_BYTES)}"`)
  })
  const client = createClient(t, fake)

  const error = await caught(client.getUser(USER_ID)) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.reason, `the response body is larger than ${MAX_BODY_BYTES} bytes`)
})
