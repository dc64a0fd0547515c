import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { parseConfigObject, parseConfigText, loadConfigFile, loadOktaSection, configWarnings } from '../../src/config/load.ts'
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

/** Runs `parse` and returns its error message, or '' when it does not throw. */
function errorMessageOf (parse: () => unknown): string {
  try {
    parse()
  } catch (error) {
    return (error as Error).message
  }
  return ''
}

function problemsOf (raw: unknown, env: Record<string, string> = {}): string {
  return errorMessageOf(() => parseConfigObject(raw, 'test.yaml', env))
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
  t.match(message, 'server.port is "abc"; it must be a whole number from 0 to 65535')
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
  t.match(problemsOf(raw), 'session.secretFile is "/nonexistent/secret", which cannot be read (ENOENT); check the path')
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
  t.match(problemsOf(raw), 'session.lifetime is 3600; write a positive duration with a unit, such as 12h (units: ms, s, m, h, d)')
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
  t.match(message, 'users.2.factorId (bob@example.com) is set without oktaUserId')
})

t.test('malformed Okta id names the expected shape', async (t) => {
  const raw = valid()
  raw.users = [{ login: 'bob@example.com', oktaUserId: 'bob', factorId: 'opf1abcd2EFGH3ijk4l5' }]
  t.match(problemsOf(raw), 'users.0.oktaUserId (bob@example.com) is "bob", which is not an Okta id; Okta ids are 20 letters and digits')
})

t.test('trustedProxies entries must be addresses or ranges', async (t) => {
  const raw = valid()
  raw.server = { trustedProxies: ['10.0.0.0/8', 'traefik'] }
  t.match(problemsOf(raw), 'server.trustedProxies.1 is "traefik", which is not an IP address or CIDR range; write an address or range such as 10.0.0.0/8')
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

t.test('YAML syntax errors show position, problem and fix', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['users: [\n', 'YAML syntax error at line 2, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]', 'close every [ and {'],
    ['server:\n  port: 1\n host: x\n', 'YAML syntax error at line 3, column 1: All mapping items must start at the same column', 'by the same number of spaces'],
    ['log:\n  level: info\nlog:\n  level: debug\n', 'YAML syntax error at line 3, column 1: Map keys must be unique', 'keep only one of the two keys'],
    ['publicUrl: "https://auth.example.com\n', 'YAML syntax error at line 2, column 1: Missing closing "quote', 'closing quote or bracket']
  ]
  for (const [text, problem, fix] of cases) {
    let message = ''
    try {
      parseConfigText(text, 'broken.yaml', {})
    } catch (error) {
      message = (error as Error).message
    }
    t.match(message, problem, `${JSON.stringify(text)}: position and problem`)
    t.match(message, fix, `${JSON.stringify(text)}: fix`)
    t.notMatch(message, /^ {2}- .*:\s*$/m, `${JSON.stringify(text)}: no problem ends with a colon`)
  }
})

t.test('YAML syntax error does not copy the source line', async (t) => {
  const message = errorMessageOf(() => parseConfigText('session:\n  secret: "hunter2-secret-value\n', 'broken.yaml', {}))
  t.match(message, 'Missing closing "quote')
  t.notMatch(message, 'hunter2', 'the secret on the broken line is not shown')
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

t.test('schema errors do not hide the cross-key checks', async (t) => {
  const raw = valid()
  raw.server = { port: 70000 }
  raw.session = { cookieDomain: 'duckdns.org', secret: 'short', lifetme: '12h' }
  raw.okta.orgUrl = 'http://example.okta.com'
  raw.users = [{ login: 'alice@example.com' }, { login: 'ALICE@example.com' }]
  const message = problemsOf(raw)
  t.match(message, 'server.port is 70000; it must be a whole number from 0 to 65535')
  t.match(message, 'session has the unknown key "lifetme" (did you mean lifetime?)')
  t.match(message, 'session.secret is 5 characters; it must be at least 32')
  t.match(message, 'session.cookieDomain is "duckdns.org", a public suffix')
  t.match(message, 'okta.orgUrl is "http://example.okta.com/"; Okta must be reached over https')
  t.match(message, 'users.1.login is "ALICE@example.com", which is listed twice')
  t.equal(message.split('\n').length, 7, 'the heading and six problems, each once')
})

t.test('empty users list does not hide cookieDomain lan', async (t) => {
  const raw = valid()
  raw.users = []
  raw.session.cookieDomain = 'lan'
  const message = problemsOf(raw)
  t.match(message, 'users is empty; list at least one user')
  t.match(message, 'session.cookieDomain is "lan", a single label')
})

t.test('empty login does not hide cookieDomain 10.0.0.5', async (t) => {
  const raw = valid()
  raw.users = [{ login: '' }]
  raw.session.cookieDomain = '10.0.0.5'
  const message = problemsOf(raw)
  t.match(message, 'users.0.login is empty; write the person\'s Okta login, such as alice@example.com')
  t.match(message, 'session.cookieDomain is "10.0.0.5", an IP address')
})

t.test('__Host- rule reports beside a schema error', async (t) => {
  const raw = valid()
  raw.session.cookieName = '__Host-pushgate'
  raw.log = { level: 'verbose' }
  const message = problemsOf(raw)
  t.match(message, 'log.level is "verbose"; it must be one of fatal, error, warn, info, debug, trace or silent')
  t.match(message, 'a __Host- cookie cannot have a Domain attribute')
})

t.test('secret rules report beside an unknown key', async (t) => {
  const missing = valid()
  missing.session = { cookieDomain: 'example.com', lifetme: '12h' }
  t.match(problemsOf(missing), 'session.secret is missing; set session.secret or session.secretFile')

  const weakMap = valid()
  weakMap.session.secret = { 1: SECRET, 2: 'short' }
  weakMap.session.extra = true
  t.match(problemsOf(weakMap), 'session.secret.2 is 5 characters; it must be at least 32')

  const both = valid()
  both.session.secretFile = '/run/secrets/x'
  both.session.extra = true
  t.match(problemsOf(both), 'session.secretFile is set together with session.secret')
})

t.test('apiToken rules report beside an unknown key', async (t) => {
  const raw = valid()
  delete raw.okta.apiToken
  raw.okta.orgUrl = 'https://example.okta.com'
  raw.okta.timeout = '10s'
  const message = problemsOf(raw)
  t.match(message, 'okta has the unknown key "timeout"')
  t.match(message, 'okta.apiToken is missing; set okta.apiToken')
})

const MESSAGE_CASES: Array<{ name: string, change: (raw: Record<string, any>) => void, expected: string }> = [
  { name: 'port too big', change: (raw) => { raw.server = { port: 70000 } }, expected: 'server.port is 70000; it must be a whole number from 0 to 65535' },
  { name: 'port negative', change: (raw) => { raw.server = { port: -1 } }, expected: 'server.port is -1; it must be a whole number from 0 to 65535' },
  { name: 'port fraction', change: (raw) => { raw.server = { port: 80.5 } }, expected: 'server.port is 80.5; it must be a whole number from 0 to 65535' },
  { name: 'empty host', change: (raw) => { raw.server = { host: '' } }, expected: 'server.host is empty; write an address such as 0.0.0.0' },
  { name: 'log level', change: (raw) => { raw.log = { level: 'verbose' } }, expected: 'log.level is "verbose"; it must be one of fatal, error, warn, info, debug, trace or silent' },
  { name: 'empty login', change: (raw) => { raw.users = [{ login: '' }] }, expected: 'users.0.login is empty; write the person\'s Okta login, such as alice@example.com' },
  { name: 'blank login', change: (raw) => { raw.users = [{ login: '   ' }] }, expected: 'users.0.login is empty; write the person\'s Okta login' },
  { name: 'login not a string', change: (raw) => { raw.users = [{ login: 42 }] }, expected: 'users.0.login is 42; it must be a string' },
  { name: 'limit max zero', change: (raw) => { raw.limits = { pushesPerUser: { max: 0 } } }, expected: 'limits.pushesPerUser.max is 0; it must be a whole number of at least 1' },
  { name: 'number challenge', change: (raw) => { raw.okta.numberChallenge = 'yes' }, expected: 'okta.numberChallenge is "yes"; it must be true or false' },
  { name: 'cookie name', change: (raw) => { raw.session.cookieName = 'my cookie' }, expected: 'session.cookieName is "my cookie"; it must contain only letters, digits' },
  { name: 'publicUrl number', change: (raw) => { raw.publicUrl = 5 }, expected: 'publicUrl is 5; write an absolute URL such as https://auth.example.com' },
  { name: 'publicUrl missing', change: (raw) => { delete raw.publicUrl }, expected: 'publicUrl is missing; write an absolute URL such as https://auth.example.com' },
  { name: 'session lifetime', change: (raw) => { raw.session.lifetime = 12 }, expected: 'session.lifetime is 12; write a positive duration with a unit, such as 12h' },
  { name: 'request timeout', change: (raw) => { raw.okta.requestTimeout = 10 }, expected: 'okta.requestTimeout is 10; write a positive duration with a unit, such as 10s' },
  { name: 'denial cooldown', change: (raw) => { raw.limits = { denialCooldown: 2 } }, expected: 'limits.denialCooldown is 2; write a positive duration with a unit, such as 2m' },
  { name: 'limit window', change: (raw) => { raw.limits = { statusPollsPerIp: { window: 60 } } }, expected: 'limits.statusPollsPerIp.window is 60; write a positive duration with a unit, such as 1m' },
  { name: 'factorId shape', change: (raw) => { raw.users = [{ login: 'alice@example.com' }, { login: 'bob@example.com', oktaUserId: '00u1abcd2EFGH3ijk4l5', factorId: 'abc' }] }, expected: 'users.1.factorId (bob@example.com) is "abc", which is not an Okta id; Okta ids are 20 letters and digits, such as opf1abcd2EFGH3ijk4l5. Copy the id pushgate enroll prints' },
  { name: 'unknown user key', change: (raw) => { raw.users = [{ login: 'bob@example.com', factorID: 'opf1abcd2EFGH3ijk4l5' }] }, expected: 'users.0 (bob@example.com) has the unknown key "factorID" (did you mean factorId?)' },
  { name: 'half-pinned user', change: (raw) => { raw.users = [{ login: 'bob@example.com', factorId: 'opf1abcd2EFGH3ijk4l5' }] }, expected: 'users.0.factorId (bob@example.com) is set without oktaUserId' },
  { name: 'secret map entry', change: (raw) => { raw.session.secret = { 1: 42 } }, expected: 'session.secret.1 is a number; write the secret as a string' }
]
for (const testCase of MESSAGE_CASES) {
  t.test(`message for ${testCase.name} shows value and fix`, async (t) => {
    const raw = valid()
    testCase.change(raw)
    const message = problemsOf(raw)
    t.match(message, testCase.expected)
    t.notMatch(message, /Too big|Too small|Invalid option|Invalid input|expected (number|string|one of)/, 'no wording from Zod')
  })
}

const BAD_TOKENS: Array<[string, string]> = [
  ['a space', 'abc def-token-value'],
  ['a line break', 'abc-token-value\n'],
  ['a tab', 'abc\t-token-value'],
  ['an escape character', 'abc\x1b[31m-token-value'],
  ['a non-ASCII character', 'abc-tökén-value']
]
for (const [name, token] of BAD_TOKENS) {
  t.test(`apiToken with ${name} is rejected`, async (t) => {
    const raw = valid()
    raw.okta.apiToken = token
    const message = problemsOf(raw)
    t.match(message, 'okta.apiToken is set but contains spaces, line breaks, control or non-ASCII characters. An Okta API token is visible ASCII without spaces')
    t.notMatch(message, 'value', 'the token is not shown')
  })
}

t.test('apiTokenFile with a space in the token is rejected', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-config-'))
  const path = join(dir, 'token')
  writeFileSync(path, 'abc def-token-value\n')
  const raw = valid()
  delete raw.okta.apiToken
  raw.okta.apiTokenFile = path
  const message = problemsOf(raw)
  t.match(message, `okta.apiTokenFile is ${JSON.stringify(path)}, whose token contains spaces, line breaks, control or non-ASCII characters`)
  t.notMatch(message, 'token-value', 'the token is not shown')
})

t.test('apiTokenFile with one trailing newline is accepted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-config-'))
  const path = join(dir, 'token')
  writeFileSync(path, 'abc-token-value\r\n')
  const raw = valid()
  delete raw.okta.apiToken
  raw.okta.apiTokenFile = path
  t.equal(parseConfigObject(raw, 'test.yaml', {}).okta.apiToken, 'abc-token-value')
})

t.test('cookieDomain from an unset variable is reported once', async (t) => {
  const raw = valid()
  raw.session.cookieDomain = '${COOKIE_DOMAIN}'
  const message = problemsOf(raw)
  t.match(message, 'session.cookieDomain uses ${COOKIE_DOMAIN}, but the environment variable COOKIE_DOMAIN is not set')
  t.equal(message.split('\n').length, 2, 'no cross-key problem about the empty value')
})

t.test('okta section alone lists every problem', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-config-'))
  const path = join(dir, 'config.yaml')
  writeFileSync(path, 'okta:\n  orgUrl: http://example.okta.com\n  requestTimeout: 10\n  apiToken: "two words"\n')
  const message = errorMessageOf(() => loadOktaSection(path, {}))
  t.match(message, 'okta.orgUrl is "http://example.okta.com/"; Okta must be reached over https')
  t.match(message, 'okta.requestTimeout is 10; write a positive duration with a unit, such as 10s')
  t.match(message, 'okta.apiToken is set but contains spaces')
  t.notMatch(message, 'two words', 'the token is not shown')
})
