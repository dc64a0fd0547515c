import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { parseConfigObject, parseConfigText, loadConfigFile, configWarnings } from '../../src/config/load.ts'
import { parseDurationMs } from '../../src/config/duration.ts'

const SECRET = 'k3p9-Qw7z-Lm2x-Vb8n-Tr5y-Hj4u-Gf6d'

function valid (): Record<string, any> {
  return {
    publicUrl: 'https://auth.example.com',
    session: { cookieDomain: 'example.com', secret: SECRET },
    okta: { orgUrl: 'https://example.okta.com', apiToken: 'token' },
    users: [{ login: 'alice@example.com' }]
  }
}

function problemsOf (raw: unknown, env: Record<string, string> = {}): string {
  try {
    parseConfigObject(raw, 'test.yaml', env)
  } catch (error) {
    return (error as Error).message
  }
  return ''
}

t.test('minimal configuration gets the documented defaults', async (t) => {
  const config = parseConfigObject(valid(), 'test.yaml', {})
  t.equal(config.server.host, '0.0.0.0')
  t.equal(config.server.port, 9091)
  t.same(config.server.trustedProxies, ['127.0.0.1/8', '::1/128'])
  t.equal(config.session.cookieName, 'pushgate_session')
  t.equal(config.session.lifetimeMs, 12 * 3_600_000)
  t.equal(config.okta.numberChallenge, true)
  t.equal(config.okta.requestTimeoutMs, 10_000)
  t.same(config.limits.pushesPerUser, { max: 5, windowMs: 15 * 60_000 })
  t.equal(config.limits.denialCooldownMs, 2 * 60_000)
  t.equal(config.log.level, 'info')
  t.ok(Object.isFrozen(config))
})

t.test('every problem is listed in one error', async (t) => {
  const raw = valid()
  raw.server = { port: 'abc' }
  raw.session.secret = 'short'
  raw.session.lifetme = '12h'
  raw.okta.orgUrl = 'http://example.okta.com'
  const message = problemsOf(raw)
  t.match(message, 'Invalid configuration in test.yaml')
  t.match(message, 'server.port is "abc"; it must be a number')
  t.match(message, 'session.secret is 5 characters; it must be at least 32 (generate one with: openssl rand -base64 32)')
  t.match(message, 'session has the unknown key "lifetme" (did you mean lifetime?)')
  t.match(message, 'okta.orgUrl is "http://example.okta.com/"; Okta must be reached over https')
})

t.test('unknown top-level key is rejected', async (t) => {
  t.match(problemsOf({ ...valid(), user: [] }), 'has the unknown key "user" (did you mean users?)')
})

t.test('${VAR} expands from the environment', async (t) => {
  const raw = valid()
  raw.okta.apiToken = '${OKTA_API_TOKEN}'
  const config = parseConfigObject(raw, 'test.yaml', { OKTA_API_TOKEN: 'from-env' })
  t.equal(config.okta.apiToken, 'from-env')
})

t.test('unset ${VAR} is an error naming it', async (t) => {
  const raw = valid()
  raw.okta.apiToken = '${OKTA_API_TOKEN}'
  const message = problemsOf(raw)
  t.match(message, 'okta.apiToken uses ${OKTA_API_TOKEN}, but the environment variable OKTA_API_TOKEN is not set')
  t.notMatch(message, 'is empty', 'no second complaint about the same key')
})

t.test('$$ writes a literal dollar sign', async (t) => {
  const raw = valid()
  raw.okta.apiToken = 'a$${b}'
  t.equal(parseConfigObject(raw, 'test.yaml', {}).okta.apiToken, 'a${b}')
})

t.test('secretFile and apiTokenFile read secrets from files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-config-'))
  writeFileSync(join(dir, 'secret'), `${SECRET}\n`)
  writeFileSync(join(dir, 'token'), 'file-token\n')
  const raw = valid()
  delete raw.session.secret
  raw.session.secretFile = join(dir, 'secret')
  delete raw.okta.apiToken
  raw.okta.apiTokenFile = join(dir, 'token')
  const config = parseConfigObject(raw, 'test.yaml', {})
  t.same(config.session.secrets, { 1: SECRET }, 'the trailing newline is dropped')
  t.equal(config.okta.apiToken, 'file-token')
})

t.test('unreadable secretFile names the path and the fix', async (t) => {
  const raw = valid()
  delete raw.session.secret
  raw.session.secretFile = '/nonexistent/secret'
  t.match(problemsOf(raw), 'session.secretFile cannot read "/nonexistent/secret" (ENOENT); check the path')
})

t.test('secret and secretFile together are rejected', async (t) => {
  const raw = valid()
  raw.session.secretFile = '/run/secrets/x'
  t.match(problemsOf(raw), 'session.secretFile is set together with session.secret; keep only one of them')
})

t.test('secret map for rotation keeps every id', async (t) => {
  const raw = valid()
  raw.session.secret = { 1: SECRET, 2: `${SECRET}-newer` }
  t.same(parseConfigObject(raw, 'test.yaml', {}).session.secrets, { 1: SECRET, 2: `${SECRET}-newer` })
})

t.test('secret map with a non-numeric id is rejected', async (t) => {
  const raw = valid()
  raw.session.secret = { old: SECRET }
  t.match(problemsOf(raw), 'secret ids must be positive whole numbers')
})

t.test('weak secret with few distinct characters is rejected', async (t) => {
  const raw = valid()
  raw.session.secret = 'a'.repeat(40)
  t.match(problemsOf(raw), 'fewer than 8 distinct characters')
})

t.test('durations need a unit', async (t) => {
  const raw = valid()
  raw.session.lifetime = 3600
  t.match(problemsOf(raw), 'session.lifetime is 3600; it must be a string')
  raw.session.lifetime = '12 hours'
  t.match(problemsOf(raw), 'session.lifetime is "12 hours"; write a positive duration with a unit, such as 12h')
})

t.test('duration parser reads every unit', async (t) => {
  t.equal(parseDurationMs('250ms'), 250)
  t.equal(parseDurationMs('90s'), 90_000)
  t.equal(parseDurationMs('15m'), 900_000)
  t.equal(parseDurationMs('12h'), 43_200_000)
  t.equal(parseDurationMs('7d'), 604_800_000)
  t.equal(parseDurationMs('1.5h'), 5_400_000)
  t.equal(parseDurationMs('5'), undefined)
  t.equal(parseDurationMs('-5s'), undefined)
})

const COOKIE_DOMAIN_CASES: Array<[string, string]> = [
  ['com', 'a single label'],
  ['localhost', 'a single label'],
  ['co.uk', 'a public suffix'],
  ['duckdns.org', 'a public suffix'],
  ['github.io', 'a public suffix'],
  ['192.168.1.10', 'an IP address'],
  ['.example.com', 'without the leading dot'],
  ['other.org', 'publicUrl\'s host auth.example.com is outside it']
]
for (const [domain, expected] of COOKIE_DOMAIN_CASES) {
  t.test(`cookieDomain ${domain} is rejected`, async (t) => {
    const raw = valid()
    raw.session.cookieDomain = domain
    t.match(problemsOf(raw), expected)
  })
}

t.test('cookieDomain equal to publicUrl\'s host is accepted', async (t) => {
  const raw = valid()
  raw.session.cookieDomain = 'auth.example.com'
  t.equal(problemsOf(raw), '')
})

t.test('__Host- cookie with a cookie domain is rejected', async (t) => {
  const raw = valid()
  raw.session.cookieName = '__Host-pushgate'
  t.match(problemsOf(raw), 'a __Host- cookie cannot have a Domain attribute')
})

t.test('__Host- cookie without a cookie domain on https is accepted', async (t) => {
  const raw = valid()
  raw.session.cookieName = '__Host-pushgate'
  delete raw.session.cookieDomain
  t.equal(problemsOf(raw), '')
})

t.test('__Secure- cookie on http is rejected', async (t) => {
  const raw = valid()
  raw.publicUrl = 'http://auth.example.com'
  raw.session.cookieName = '__Secure-pushgate'
  t.match(problemsOf(raw), 'a __Secure- cookie needs the Secure attribute, so publicUrl must be https')
})

t.test('defaultRedirectUrl outside the cookie domain is rejected', async (t) => {
  const raw = valid()
  raw.defaultRedirectUrl = 'https://elsewhere.org/'
  t.match(problemsOf(raw), 'defaultRedirectUrl is https://elsewhere.org/, whose host is outside example.com')
})

t.test('duplicate logins and half-pinned users are rejected', async (t) => {
  const raw = valid()
  raw.users = [{ login: 'alice@example.com' }, { login: 'Alice@example.com' }, { login: 'bob@example.com', factorId: 'opf1abcd2EFGH3ijk4l5' }]
  const message = problemsOf(raw)
  t.match(message, 'users.1.login is "Alice@example.com", which is listed twice')
  t.match(message, 'users.2.factorId is set without oktaUserId')
})

t.test('malformed Okta id names the expected shape', async (t) => {
  const raw = valid()
  raw.users = [{ login: 'bob@example.com', oktaUserId: 'bob', factorId: 'opf1abcd2EFGH3ijk4l5' }]
  t.match(problemsOf(raw), 'users.0.oktaUserId is not an Okta id')
})

t.test('trustedProxies entries must be addresses or ranges', async (t) => {
  const raw = valid()
  raw.server = { trustedProxies: ['10.0.0.0/8', 'traefik'] }
  t.match(problemsOf(raw), 'server.trustedProxies.1 is not an IP address or CIDR range')
})

t.test('http publicUrl off loopback and trust-everyone produce start-up warnings', async (t) => {
  const raw = valid()
  raw.publicUrl = 'http://auth.example.com'
  raw.server = { trustedProxies: ['0.0.0.0/0'] }
  const warnings = configWarnings(parseConfigObject(raw, 'test.yaml', {}))
  t.equal(warnings.length, 2)
  t.match(warnings[0], 'without the Secure attribute')
  t.match(warnings[1], 'trusts every address')
})

t.test('YAML syntax errors are reported with the file name', async (t) => {
  t.throws(() => parseConfigText('users: [\n', 'broken.yaml', {}), { message: /Invalid configuration in broken.yaml:\n {2}- YAML syntax/ })
})

t.test('missing file is reported with its path', async (t) => {
  t.throws(() => loadConfigFile('/nonexistent/pushgate.yaml', {}), { code: 'PG_ERR_CONFIG_NOT_FOUND', message: /\/nonexistent\/pushgate.yaml: the file does not exist/ })
})

t.test('config.example.yaml is valid with its variables set', async (t) => {
  const config = loadConfigFile(new URL('../../config.example.yaml', import.meta.url).pathname, {
    PUSHGATE_SESSION_SECRET: SECRET,
    OKTA_API_TOKEN: 'token'
  })
  t.equal(config.users.length, 2)
})

t.test('a configuration written as YAML round-trips', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-config-'))
  const path = join(dir, 'config.yaml')
  writeFileSync(path, stringify(valid()))
  t.equal(loadConfigFile(path, {}).publicUrl.href, 'https://auth.example.com/')
})
