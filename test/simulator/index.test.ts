import t from 'tap'
import { buildSimulator, describeSimulator, startSimulator } from '../../src/simulator/index.ts'
import { API_TOKEN, send } from './helpers.ts'

t.test('describeSimulator masks the API token', async (t) => {
  const sim = await startSimulator({ apiToken: API_TOKEN })
  t.teardown(() => sim.close())
  t.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.equal(sim.phoneUrl, `${sim.url}/phone`)

  const lines = describeSimulator(sim, API_TOKEN)
  t.ok(lines.some((line) => line.includes(sim.url)))
  t.ok(lines.some((line) => line.includes(sim.phoneUrl)))
  t.notOk(lines.join('\n').includes(API_TOKEN), 'the token is masked')
  t.ok(lines.some((line) => line.includes(`${API_TOKEN.slice(0, 4)}… (${API_TOKEN.length} characters)`)))
  t.ok(describeSimulator(sim, API_TOKEN, { showToken: true }).join('\n').includes(API_TOKEN))
  t.notOk(describeSimulator(sim, 'short').join('\n').includes('shor'), 'short tokens show no characters')
})

t.test('invalid options are rejected with the option name', async (t) => {
  t.throws(() => buildSimulator({ apiToken: '' }), /apiToken is missing/)
  t.throws(() => buildSimulator({ apiToken: API_TOKEN, pushLifetimeMs: 0 }), /pushLifetimeMs is 0; it must be a positive integer/)
  t.throws(() => buildSimulator({ apiToken: API_TOKEN, rateLimitPerMinute: 1.5 }), /rateLimitPerMinute/)
  t.throws(() => buildSimulator({ apiToken: API_TOKEN, users: [{ login: 'a@example.com' }, { login: 'A@example.com' }] }), /already exists/)
})

t.test('port already in use rejects startSimulator', async (t) => {
  const first = await startSimulator({ apiToken: API_TOKEN })
  t.teardown(() => first.close())
  const port = Number(new URL(first.url).port)
  await t.rejects(startSimulator({ apiToken: API_TOKEN, port }), { code: 'EADDRINUSE' })
})

t.test('paths outside the API get an Okta 404', async (t) => {
  const sim = await startSimulator({ apiToken: API_TOKEN })
  t.teardown(() => sim.close())
  const response = await send('GET', `${sim.url}/oauth2/v1/keys`, {})
  t.equal(response.status, 404)
  t.equal(response.body.errorCode, 'E0000007')
  t.equal((await send('GET', `${sim.url}/favicon.ico`, {})).status, 204)
})
