/**
 * Text from Okta (device names, logins) that tries to inject YAML lines or terminal escape sequences
 * into what the CLI prints.
 */
import t, { type Test } from 'tap'
import { parse } from 'yaml'
import { quoteYamlString, sanitizeText } from '../../src/cli/terminal/sanitize.ts'
import { FAST_POLL, parseSnippet, runCli, startCli, startCliSimulator, type CliResult } from './helpers.ts'

/** A device name that adds a second users: entry when printed raw into the YAML comment line. */
const YAML_INJECTION = 'Dave\'s Pixel\n  - login: mallory@example.com\n  #'

/** A device name with a colour change, a screen clear, a window title (OSC) and an 8-bit CSI. */
const ANSI_INJECTION = 'Dave\x1b[31m\'s\x1b[0m \x1b[2JPixel\x1b]0;pwned\x07\u009b31m\r\u2028\u0085\x7f'

/** Asserts that neither stream carries an escape character or another C0 or C1 control apart from line breaks. */
function assertNoControls (t: Test, result: CliResult): void {
  for (const [name, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
    t.notOk(text.includes('\x1b'), `${name} contains no ESC`)
    t.notMatch(text, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]/, `${name} contains no control characters other than line breaks`)
  }
}

for (const [name, deviceName] of [['a YAML injection', YAML_INJECTION], ['escape sequences', ANSI_INJECTION]] as const) {
  t.test(`enroll snippet survives a device name with ${name}`, async (t) => {
    const sim = await startCliSimulator(t, [])
    t.equal((await sim.simPost('/users', { login: 'dave@example.com', pushFactor: 'none' })).status, 201)
    const run = startCli(t, ['enroll', '--login', 'dave@example.com', '--send', 'email', ...FAST_POLL], sim.env)

    await run.waitForStderr(/Waiting for dave@example\.com to open the emailed link/)
    const [email] = await sim.simGet('/emails')
    const scan = await sim.simPost('/scan', { content: email.activationLink, deviceName })
    t.equal(scan.status, 200, 'the simulator accepted the scan')
    t.equal(scan.body.deviceName, deviceName, 'the simulator stored the hostile name as sent')
    const result = await run.done

    t.equal(result.code, 0, result.stderr)
    const users = (parse(`users:\n${result.stdout}`) as { users: unknown[] }).users
    t.equal(users.length, 1, 'the snippet parses as exactly one user')
    t.equal(parseSnippet(t, result.stdout).login, 'dave@example.com')
    const lines = result.stdout.trimEnd().split('\n')
    t.equal(lines.length, 4, 'comment, login, oktaUserId and factorId: one line each')
    t.match(lines[0], /^ {2}# Okta Verify push on Dave's Pixel/)
    assertNoControls(t, result)
  })
}

t.test('enroll quotes a login with an escape character', async (t) => {
  const login = 'ev\x1b[31mil@example.com'
  const sim = await startCliSimulator(t, [{ login, pushFactor: 'none' }])
  const run = startCli(t, ['enroll', '--login', login, '--send', 'email', ...FAST_POLL], sim.env)

  await run.waitForStderr(/to open the emailed link/)
  const [email] = await sim.simGet('/emails')
  t.equal((await sim.simPost('/scan', { content: email.activationLink })).status, 200)
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  t.equal(parseSnippet(t, result.stdout).login, login, 'the snippet keeps the login exactly, as an escape in quotes')
  t.match(result.stderr, /ACTIVE for evil@example\.com/, 'stderr shows the login without the escape sequence')
  assertNoControls(t, result)
})

t.test('factors table strips escape sequences', async (t) => {
  const login = 'ev\x1b[31mil@example.com'
  const sim = await startCliSimulator(t, [{ login, deviceName: ANSI_INJECTION }, { login: 'dave@example.com', deviceName: YAML_INJECTION }])

  const evil = await runCli(t, ['factors', '--login', login], sim.env)
  t.equal(evil.code, 0, evil.stderr)
  const lines = evil.stdout.trimEnd().split('\n')
  t.equal(lines.length, 3, 'heading, column names and one factor')
  t.match(lines[2], /ACTIVE {2}Dave's Pixel +\(IOS, Okta Verify/, 'the device name without its escape sequences')
  assertNoControls(t, evil)

  const dave = await runCli(t, ['factors', '--login', 'dave@example.com'], sim.env)
  t.equal(dave.stdout.trimEnd().split('\n').length, 3, 'the line breaks in the device name add no rows')
  t.match(dave.stdout, /Dave's Pixel - login: mallory@example\.com #/)
})

t.test('factors --json keeps names exact but escaped', async (t) => {
  const sim = await startCliSimulator(t, [{ login: 'dave@example.com', deviceName: ANSI_INJECTION }])
  const result = await runCli(t, ['factors', '--login', 'dave@example.com', '--json'], sim.env)

  t.equal(result.code, 0, result.stderr)
  t.equal(JSON.parse(result.stdout).factors[0].device.name, ANSI_INJECTION, 'JSON carries the name as Okta sent it')
  assertNoControls(t, result)
})

t.test('unenroll prints a hostile device name on one line', async (t) => {
  const sim = await startCliSimulator(t, [{ login: 'dave@example.com', deviceName: YAML_INJECTION }])
  const user = await sim.oktaGet('/users/dave@example.com')
  const [factor] = await sim.oktaGet(`/users/${user.id}/factors`)
  const result = await runCli(t, ['unenroll', '--login', 'dave@example.com', '--factor', factor.id, '--yes'], sim.env)

  t.equal(result.code, 0, result.stderr)
  t.equal(result.stdout.trimEnd().split('\n').length, 1, 'one result line')
  assertNoControls(t, result)
})

t.test('sanitizeText removes controls and joins lines', async (t) => {
  t.equal(sanitizeText('a\x1b[1;31mb\x1b[0mc'), 'abc', 'CSI sequences')
  t.equal(sanitizeText('a\x1b]0;title\x07b'), 'ab', 'OSC ended by BEL')
  t.equal(sanitizeText('a\x1b]8;;http://x\x1b\\b'), 'ab', 'OSC ended by ST')
  t.equal(sanitizeText('a\u009b2Jb'), 'ab', '8-bit CSI')
  t.equal(sanitizeText('a\x1b'), 'a', 'lone ESC')
  t.equal(sanitizeText('line one\r\n  line two\u2028three\u0085four'), 'line one line two three four', 'line breaks')
  t.equal(sanitizeText('tab\there'), 'tab here', 'tabs')
  t.equal(sanitizeText('a\x00b\x07c\x7fd\u0090e'), 'abcde', 'C0, DEL and C1')
  t.equal(sanitizeText('abc\u202edcba'), 'abcdcba', 'bidirectional override')
  t.equal(sanitizeText('Zoë\'s Pixel 8 – 日本'), 'Zoë\'s Pixel 8 – 日本', 'printable text is kept')
})

t.test('quoteYamlString round-trips every character', async (t) => {
  const text = 'a"b\\c\nd\x1b[31m\x7f\u0085\u2028\u2029é'
  const quoted = quoteYamlString(text)
  t.equal(parse(`key: ${quoted}`).key, text)
  t.notMatch(quoted, /[\x00-\x1f\x7f-\x9f\u2028\u2029]/, 'no raw control character')
})
