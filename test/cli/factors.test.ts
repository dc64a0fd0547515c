import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { API_TOKEN, assertNoToken, runCli, startCliSimulator } from './helpers.ts'

const ALICE = { login: 'alice@example.com', firstName: 'Alice' }
const NORA = { login: 'nora@example.com', pushFactor: 'none' as const }

t.test('factors lists type, status and device', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const user = await sim.oktaGet(`/users/${ALICE.login}`)
  const [factor] = await sim.oktaGet(`/users/${user.id}/factors`)
  const result = await runCli(t, ['factors', '--login', ALICE.login], sim.env)

  t.equal(result.code, 0, result.stderr)
  const lines = result.stdout.trimEnd().split('\n')
  t.equal(lines[0], `alice@example.com (${user.id}, ACTIVE): 1 factor`)
  t.match(lines[1], /^ID\s+TYPE\s+PROVIDER\s+STATUS\s+DEVICE\s+CREATED$/)
  t.match(lines[2], new RegExp(`^${factor.id}\\s+push\\s+OKTA\\s+ACTIVE\\s+Alice's iPhone \\(IOS, Okta Verify [\\d.]+\\)\\s+\\d{4}-\\d{2}-\\d{2}$`))
  t.equal(lines.length, 3)
  assertNoToken(t, result)
})

t.test('factors --json prints the user and factors', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['factors', '--login', ALICE.login, '--json'], sim.env)

  t.equal(result.code, 0, result.stderr)
  const body = JSON.parse(result.stdout)
  t.equal(body.user.login, ALICE.login)
  t.equal(body.factors.length, 1)
  t.match(body.factors[0], { factorType: 'push', provider: 'OKTA', status: 'ACTIVE', device: { name: 'Alice\'s iPhone', platform: 'IOS' } })
})

t.test('factors of a user without factors suggests enroll', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const result = await runCli(t, ['factors', '--login', NORA.login], sim.env)

  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, /has no factors\. Enroll Okta Verify push with: pushgate enroll --login nora@example\.com/)
})

t.test('factors lists a suspended user', async (t) => {
  const sim = await startCliSimulator(t, [{ ...ALICE, status: 'SUSPENDED' }])
  const result = await runCli(t, ['factors', '--login', ALICE.login], sim.env)

  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, /, SUSPENDED\): 1 factor/)
})

t.test('unknown login exits 2', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['factors', '--login', 'bob@example.com'], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /No Okta user has the login "bob@example\.com"/)
  t.equal(result.stdout, '')
})

t.test('rejected token names OKTA_API_TOKEN', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['factors', '--login', ALICE.login], { ...sim.env, OKTA_API_TOKEN: 'wrong-token-b81f2c' })

  t.equal(result.code, 2)
  t.match(result.stderr, /Okta rejected the API token \(401 E0000011 Invalid token provided\)\. Check OKTA_API_TOKEN/)
  t.notOk(result.stderr.includes('wrong-token-b81f2c'), 'the rejected token is not shown')
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace')
})

t.test('rejected token from --config names okta.apiToken', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const configFile = join(mkdtempSync(join(tmpdir(), 'pushgate-cli-')), 'config.yaml')
  writeFileSync(configFile, `okta:\n  orgUrl: ${sim.sim.url}\n  apiToken: wrong-token-b81f2c\n`)
  const result = await runCli(t, ['factors', '--login', ALICE.login, '--config', configFile], {})

  t.equal(result.code, 2)
  t.match(result.stderr, new RegExp(`Check okta\\.apiToken \\(or okta\\.apiTokenFile\\) in ${configFile}`))
  t.notOk(result.stderr.includes('wrong-token-b81f2c'), 'the rejected token is not shown')
})

t.test('token with a line break names its setting', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['factors', '--login', ALICE.login], { ...sim.env, OKTA_API_TOKEN: `${API_TOKEN}\n` })

  t.equal(result.code, 2)
  t.match(result.stderr, /OKTA_API_TOKEN is set but contains spaces, line breaks, control or non-ASCII characters\. An Okta API token is visible ASCII without spaces/)
  assertNoToken(t, result)
})

t.test('rate limit reports the time to wait', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  await sim.control.fault({ status: 429, rateLimitResetSeconds: 40, pathContains: '/api/v1/users/' })
  const result = await runCli(t, ['factors', '--login', ALICE.login], sim.env)

  t.equal(result.code, 1)
  t.match(result.stderr, /Okta's rate limit was reached on GET \/api\/v1\/users\/alice%40example\.com\. Wait 4[0-2] s \(until \d\d:\d\d:\d\d\) and run the command again\./)
})

t.test('Okta server error exits 1', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  // A GET is retried twice on 5xx, so three faults make the call fail.
  await sim.control.fault({ status: 500, times: 3, pathContains: '/factors' })
  const result = await runCli(t, ['factors', '--login', ALICE.login], sim.env)

  t.equal(result.code, 1)
  t.match(result.stderr, /Okta returned 500 E0000009 Internal Server Error for GET \/api\/v1\/users\/\w+\/factors\. Okta failed on its side; try again later\./)
})

t.test('unreachable Okta names OKTA_ORG_URL', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const url = sim.sim.url
  await sim.sim.close()
  const result = await runCli(t, ['factors', '--login', ALICE.login], { ...sim.env, OKTA_ORG_URL: url })

  t.equal(result.code, 1)
  t.match(result.stderr, /Cannot reach Okta at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\. Check OKTA_ORG_URL/)
})

t.test('--config reports only problems of the okta section', async (t) => {
  const configFile = join(mkdtempSync(join(tmpdir(), 'pushgate-cli-')), 'config.yaml')
  writeFileSync(configFile, [
    'session:',
    '  secret: short',
    'okta:',
    '  orgUrl: http://example.okta.com',
    '  apiTokn: ${OKTA_API_TOKEN}',
    ''
  ].join('\n'))
  const result = await runCli(t, ['factors', '--login', ALICE.login, '--config', configFile], {})

  t.equal(result.code, 2)
  t.match(result.stderr, /okta has the unknown key "apiTokn" \(did you mean apiToken\?\)/)
  t.match(result.stderr, /okta\.orgUrl is "http:\/\/example\.okta\.com\/"; Okta must be reached over https/)
  t.notMatch(result.stderr, /session/, 'the session section is not checked')
})

t.test('missing permission exits 2 and names the token', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  await sim.control.fault({ status: 403, pathContains: '/api/v1/users/' })
  const result = await runCli(t, ['factors', '--login', ALICE.login], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /Okta rejected GET \/api\/v1\/users\/alice%40example\.com \(403 E0000006 You do not have permission to perform the requested action\)\. The admin who created the token in OKTA_API_TOKEN lacks the permission/)
})
