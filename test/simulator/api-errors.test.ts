import { connect } from 'node:net'
import t from 'tap'
import { API_TOKEN, send, startHarness } from './helpers.ts'

/** Sends raw bytes, so a POST can go out with neither Content-Length nor Transfer-Encoding. */
async function rawRequest (url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(head))
    let response = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => { response += chunk })
    socket.on('end', () => resolve(response))
    socket.on('error', reject)
  })
}

t.test('missing Authorization header gets 403 E0000005', async (t) => {
  const { sim } = await startHarness(t)
  const response = await send('GET', `${sim.url}/api/v1/users/alice@example.com`, {})
  t.equal(response.status, 403)
  t.equal(response.body.errorCode, 'E0000005')
  t.equal(response.body.errorSummary, 'Invalid session')
})

t.test('wrong API token gets 401 E0000011', async (t) => {
  const { sim } = await startHarness(t)
  for (const authorization of [`SSWS ${API_TOKEN}x`, `Bearer ${API_TOKEN}`, 'SSWS']) {
    const response = await send('GET', `${sim.url}/api/v1/users/alice@example.com`, { authorization })
    t.equal(response.status, 401, authorization)
    t.equal(response.body.errorCode, 'E0000011')
    t.equal(response.body.errorSummary, 'Invalid token provided')
  }
})

t.test('error bodies carry every Okta field', async (t) => {
  const { api } = await startHarness(t)
  const response = await api('GET', '/api/v1/users/nobody@example.com')
  t.equal(response.status, 404)
  t.equal(response.body.errorCode, 'E0000007')
  t.equal(response.body.errorSummary, 'Not found: Resource not found: nobody@example.com (User)')
  t.equal(response.body.errorLink, 'E0000007')
  t.match(response.body.errorId, /^oae[A-Za-z0-9]{22}$/)
  t.same(response.body.errorCauses, [])
  t.match(response.headers['content-type'], /^application\/json/)
})

t.test('POST without Content-Length gets 411', async (t) => {
  const { sim, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const head = [
    `POST /api/v1/users/${userId}/factors/${factorId}/verify HTTP/1.1`,
    `Host: ${new URL(sim.url).host}`,
    `Authorization: SSWS ${API_TOKEN}`,
    'User-Agent: test',
    'Connection: close',
    '', ''
  ].join('\r\n')
  const response = await rawRequest(sim.url, head)
  t.match(response, /^HTTP\/1\.1 411 /)
  t.match(response, /411 Length Required/)
})

t.test('POST with Content-Length 0 and a JSON Content-Type is accepted', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { headers: { 'content-type': 'application/json', 'content-length': '0' } })
  t.equal(verify.status, 201)
})

t.test('malformed JSON gets 400 E0000003', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { body: '{"useNumberMatchingChallenge":', headers: { 'content-type': 'application/json' } })
  t.equal(verify.status, 400)
  t.equal(verify.body.errorCode, 'E0000003')
  t.notMatch(verify.text, /at .*\.ts/, 'no stack trace')
})

t.test('non-JSON body gets 415', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { body: 'useNumberMatchingChallenge=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  t.equal(verify.status, 415)
  t.equal(verify.body.errorCode, 'E0000003')
})

t.test('unknown API route gets 404 E0000007', async (t) => {
  const { api } = await startHarness(t)
  const response = await api('GET', '/api/v1/widgets?limit=2')
  t.equal(response.status, 404)
  t.equal(response.body.errorCode, 'E0000007')
  t.equal(response.body.errorSummary, 'Not found: Resource not found: /api/v1/widgets')
  t.ok(response.headers['x-okta-request-id'])
})

t.test('wrong method gets 405 E0000022 with Allow', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId } = await lookup('alice@example.com')
  const response = await api('DELETE', `/api/v1/users/${userId}`)
  t.equal(response.status, 405)
  t.equal(response.body.errorCode, 'E0000022')
  t.equal(response.headers.allow, 'GET')
})

t.test('factor routes take the user id, not the login', async (t) => {
  const { api } = await startHarness(t)
  const response = await api('GET', '/api/v1/users/alice@example.com/factors')
  t.equal(response.status, 404)
  t.equal(response.body.errorSummary, 'Not found: Resource not found: alice@example.com (User)')
})

t.test('unknown factor is 404 (UserFactor)', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId } = await lookup('alice@example.com')
  const response = await api('POST', `/api/v1/users/${userId}/factors/opf00000000000000000/verify`)
  t.equal(response.status, 404)
  t.equal(response.body.errorSummary, 'Not found: Resource not found: opf00000000000000000 (UserFactor)')
})

t.test('every API response has a request id', async (t) => {
  const { api } = await startHarness(t)
  const first = await api('GET', '/api/v1/users/alice@example.com')
  const second = await api('GET', '/api/v1/users/alice@example.com')
  t.match(first.headers['x-okta-request-id'], /^[A-Za-z0-9_-]{27}$/)
  t.not(first.headers['x-okta-request-id'], second.headers['x-okta-request-id'])
})
