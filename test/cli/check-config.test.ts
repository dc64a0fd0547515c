import { writeFileSync } from 'node:fs'
import t from 'tap'
import { API_TOKEN, assertNoToken, runCli, scratchFile, startCliSimulator, type CliSimulator } from './helpers.ts'

const SECRET = 'k3p9-Qw7z-Lm2x-Vb8n-Tr5y-Hj4u-Gf6d'
const ALICE = { login: 'alice@example.com', firstName: 'Alice' }
const BOB = { login: 'bob@example.com', firstName: 'Bob' }

/** Writes a configuration for the simulator with `users` (YAML list items) and returns its path. */
function writeConfig (sim: CliSimulator, users: string[], token = '${OKTA_API_TOKEN}'): string {
  const path = scratchFile('config.yaml')
  writeFileSync(path, [
    'publicUrl: http://127.0.0.1:9091',
    `session: { secret: ${SECRET} }`,
    `okta: { orgUrl: "${sim.sim.url}", apiToken: "${token}" }`,
    'users:',
    ...users.map((user) => `  - ${user}`),
    ''
  ].join('\n'))
  return path
}

t.test('check-config without --online says Okta was not contacted', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['check-config', '--config', writeConfig(sim, ['login: alice@example.com'])], { OKTA_API_TOKEN: API_TOKEN })

  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, 'is valid: 1 user(s), publicUrl http://127.0.0.1:9091/. Okta was not contacted; add --online')
  t.equal((await sim.simGet('/stats')).requests.total, 0, 'no request reached the simulator')
})

t.test('check-config --online says Okta accepted the token', async (t) => {
  const sim = await startCliSimulator(t, [ALICE, BOB])
  const bob = await sim.oktaGet('/users/bob@example.com')
  const [bobFactor] = await sim.oktaGet(`/users/${bob.id}/factors`)
  const config = writeConfig(sim, ['login: alice@example.com', `{ login: bob@example.com, oktaUserId: ${bob.id}, factorId: ${bobFactor.id} }`])
  const result = await runCli(t, ['check-config', '--config', config, '--online'], { OKTA_API_TOKEN: API_TOKEN })

  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, 'is valid: 2 user(s), publicUrl http://127.0.0.1:9091/; Okta accepted the API token and every user has an ACTIVE push factor')
  assertNoToken(t, result)
})

t.test('check-config --online names a pinned user id Okta lacks', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const config = writeConfig(sim, ['{ login: alice@example.com, oktaUserId: 00u0000000000000000X, factorId: opf0000000000000000X }'])
  const result = await runCli(t, ['check-config', '--config', config, '--online'], { OKTA_API_TOKEN: API_TOKEN })

  t.equal(result.code, 1)
  t.match(result.stderr, 'users.0 (alice@example.com): the pinned oktaUserId 00u0000000000000000X was not found in Okta')
  t.match(result.stderr, 'Remove the oktaUserId and factorId lines')
  t.match(result.stderr, 'pushgate enroll --login alice@example.com')
  t.notMatch(result.stderr, 'check the login')
})

t.test('check-config --online names a pinned id of another user', async (t) => {
  const sim = await startCliSimulator(t, [ALICE, BOB])
  const bob = await sim.oktaGet('/users/bob@example.com')
  const config = writeConfig(sim, [`{ login: alice@example.com, oktaUserId: ${bob.id} }`])
  const result = await runCli(t, ['check-config', '--config', config, '--online'], { OKTA_API_TOKEN: API_TOKEN })

  t.equal(result.code, 1)
  t.match(result.stderr, `users.0 (alice@example.com): the pinned oktaUserId ${bob.id} belongs to bob@example.com`)
})

t.test('check-config --online names a pinned factor id Okta lacks', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const alice = await sim.oktaGet('/users/alice@example.com')
  const config = writeConfig(sim, [`{ login: alice@example.com, oktaUserId: ${alice.id}, factorId: opf0000000000000000X }`])
  const result = await runCli(t, ['check-config', '--config', config, '--online'], { OKTA_API_TOKEN: API_TOKEN })

  t.equal(result.code, 1)
  t.match(result.stderr, 'the pinned factorId opf0000000000000000X was not found for this user in Okta. Remove the factorId line')
})

t.test('check-config --online with a rejected token names okta.apiToken', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const config = writeConfig(sim, ['login: alice@example.com'])
  const result = await runCli(t, ['check-config', '--config', config, '--online'], { OKTA_API_TOKEN: 'wrong-token-b81f2c' })

  t.equal(result.code, 1)
  t.match(result.stderr, 'Okta check failed: Okta rejected the API token (401 E0000011 Invalid token provided).')
  t.match(result.stderr, `Check okta.apiToken (or okta.apiTokenFile) in ${config}`)
  t.notOk(result.stderr.includes('wrong-token-b81f2c'), 'the rejected token is not shown')
})

t.test('check-config --online reports users without a push factor', async (t) => {
  const sim = await startCliSimulator(t, [{ login: 'nora@example.com', pushFactor: 'none' }, { ...BOB, status: 'SUSPENDED' }])
  const config = writeConfig(sim, ['login: nora@example.com', 'login: bob@example.com', 'login: carol@example.com'])
  const result = await runCli(t, ['check-config', '--config', config, '--online'], { OKTA_API_TOKEN: API_TOKEN })

  t.equal(result.code, 1)
  t.match(result.stderr, 'users.0 (nora@example.com): has no ACTIVE Okta Verify push factor; run pushgate enroll --login nora@example.com')
  t.match(result.stderr, 'users.1 (bob@example.com): Okta status is SUSPENDED, which cannot sign in')
  t.match(result.stderr, 'users.2 (carol@example.com): no Okta user has this login')
})

t.test('check-config lists schema and cross-key problems in one run', async (t) => {
  const path = scratchFile('config.yaml')
  writeFileSync(path, [
    'server: { port: 70000 }',
    'publicUrl: https://auth.example.com',
    'session:',
    '  cookieDomain: duckdns.org',
    '  secret: short',
    '  lifetme: 12h',
    'okta: { orgUrl: "http://example.okta.com", apiToken: token }',
    'users:',
    '  - login: alice@example.com',
    '  - login: alice@example.com',
    ''
  ].join('\n'))
  const result = await runCli(t, ['check-config', '--config', path], {})

  t.equal(result.code, 1)
  t.match(result.stderr, 'server.port is 70000; it must be a whole number from 0 to 65535')
  t.match(result.stderr, 'session has the unknown key "lifetme" (did you mean lifetime?)')
  t.match(result.stderr, 'session.secret is 5 characters; it must be at least 32')
  t.match(result.stderr, 'session.cookieDomain is "duckdns.org", a public suffix')
  t.match(result.stderr, 'okta.orgUrl is "http://example.okta.com/"; Okta must be reached over https')
  t.match(result.stderr, 'users.1.login is "alice@example.com", which is listed twice')
})
