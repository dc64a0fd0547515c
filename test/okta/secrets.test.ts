import { inspect } from 'node:util'
import t from 'tap'
import {
  OktaApiError, OktaBadResponseError, OktaClient, OktaLinkRejectedError, OktaRateLimitError, OktaTimeoutError, OktaUnreachableError
} from '../../src/okta/index.ts'
import {
  FACTOR_ID, TOKEN, USER_ID, assertNoToken, caught, captureLogger, createClient, oktaError, sendJson, startFakeOkta
} from './helpers.ts'

const CONTEXT = { userAgent: 'Mozilla/5.0', clientIp: '203.0.113.7', numberChallenge: true }

t.test('error that echoes the Authorization header is redacted', async (t) => {
  const fake = await startFakeOkta(t, (request, response) => {
    const echoed = `Invalid token provided: ${request.headers.authorization ?? ''}`
    sendJson(response, 401, { ...oktaError('E0000011', echoed), errorCauses: [{ errorSummary: echoed }] })
  })
  const capture = captureLogger()
  const client = createClient(t, fake, { logger: capture.logger })

  const error = await caught(client.getUser(USER_ID)) as OktaApiError
  t.type(error, OktaApiError)
  t.equal(error.errorSummary, 'Invalid token provided: SSWS [redacted]')
  t.same(error.errorCauses, ['Invalid token provided: SSWS [redacted]'])
  assertNoToken(t, error, 'the error')
  t.notMatch(capture.text(), TOKEN, 'the log')
})

t.test('no error kind carries the token', async (t) => {
  const fake = await startFakeOkta(t, (request, response, server) => {
    const path = new URL(request.url, server.url).pathname
    if (path.endsWith('/slow')) return
    if (path.endsWith('/drop')) return response.socket?.destroy()
    if (path.endsWith('/busy')) return sendJson(response, 429, oktaError('E0000047', 'rate limit'), { 'x-rate-limit-reset': '99999999999' })
    if (path.endsWith('/foreign')) return sendJson(response, 200, { factorResult: 'WAITING', _links: { poll: { href: 'https://evil.test/poll' } } })
    if (path.endsWith('/html')) return response.end('<html></html>')
    sendJson(response, 500, oktaError('E0000009', 'Internal Server Error'))
  })
  const capture = captureLogger()
  const client = createClient(t, fake, { logger: capture.logger, timeoutMs: 300 })

  const kinds: Array<[string, string, new (...args: never[]) => Error]> = [
    ['/slow', 'timeout', OktaTimeoutError],
    ['/drop', 'network failure', OktaUnreachableError],
    ['/busy', 'rate limit', OktaRateLimitError],
    ['/foreign', 'rejected link', OktaLinkRejectedError],
    ['/html', 'bad response', OktaBadResponseError],
    ['/error', 'Okta error', OktaApiError]
  ]
  for (const [path, name, errorClass] of kinds) {
    const error = await caught(client.pollPush(fake.link(path)))
    t.type(error, errorClass, name)
    assertNoToken(t, error, name)
  }
  t.ok(capture.lines().length >= kinds.length, 'every failure was logged')
  t.notMatch(capture.text(), TOKEN, 'the log')
})

t.test('unreachable org error leaves the token out', async (t) => {
  const client = new OktaClient({ orgUrl: new URL('http://127.0.0.1:1'), apiToken: TOKEN, timeoutMs: 1_000 })
  t.teardown(() => client.close())

  const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, CONTEXT))
  t.type(error, OktaUnreachableError)
  assertNoToken(t, error, 'the error')
})

t.test('client object does not show the token', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, {}))
  const client = createClient(t, fake)

  t.notMatch(inspect(client, { depth: Infinity, showHidden: true }), TOKEN)
  t.notMatch(JSON.stringify(client), TOKEN)
})
