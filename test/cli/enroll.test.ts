import { statSync, writeFileSync } from 'node:fs'
import t from 'tap'
import {
  API_TOKEN,
  assertNoToken,
  decodeTextQr,
  FAST_POLL,
  oktaFactors,
  parseSnippet,
  runCli,
  scanQrFile,
  scratchFile,
  startCli,
  startCliSimulator
} from './helpers.ts'

const NORA = { login: 'nora@example.com', firstName: 'Nora', pushFactor: 'none' as const, deviceName: 'Nora\'s Pixel' }
const ALICE = { login: 'alice@example.com', firstName: 'Alice' }

t.test('enroll activates the scanned QR code and prints the ids', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const qrFile = scratchFile('qr.png')
  const run = startCli(t, ['enroll', '--login', NORA.login, '--qr-file', qrFile, ...FAST_POLL], sim.env)

  await run.waitForStderr(/Waiting for the QR code to be scanned/)
  await scanQrFile(sim, qrFile)
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  const entry = parseSnippet(t, result.stdout)
  const user = await sim.oktaGet(`/users/${NORA.login}`)
  const factors = await oktaFactors(sim, NORA.login)
  t.equal(entry.login, NORA.login)
  t.equal(entry.oktaUserId, user.id, 'oktaUserId is the simulator\'s user id')
  t.equal(entry.factorId, factors[0]?.id, 'factorId is the simulator\'s factor id')
  t.equal(factors[0]?.status, 'ACTIVE')
  t.match(result.stderr, /Okta Verify push is ACTIVE for nora@example\.com on Nora's Pixel/)
  t.equal(statSync(qrFile).mode & 0o777, 0o600, 'the QR code file is readable by its owner only')
  assertNoToken(t, result)
})

t.test('enroll draws a scannable QR code in the output', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const run = startCli(t, ['enroll', '--login', NORA.login, ...FAST_POLL], sim.env)

  const stderr = await run.waitForStderr(/Waiting for the QR code to be scanned/)
  const drawing = stderr.split('\n\n')[1] ?? ''
  const content = decodeTextQr(drawing)
  const [pending] = await sim.simGet('/enrollments')
  t.equal(content, pending.activationLink, 'the drawing carries the activation link of the PNG')

  t.equal((await sim.simPost('/scan', { content })).status, 200)
  const result = await run.done
  t.equal(result.code, 0, result.stderr)
  t.equal(parseSnippet(t, result.stdout).factorId, pending.factorId)
  assertNoToken(t, result)
})

t.test('enroll reads only the okta section of --config', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const configFile = scratchFile('config.yaml')
  // The rest of the file would stop the gateway: no session secret, no users, an unset variable.
  writeFileSync(configFile, [
    'publicUrl: ${PUBLIC_URL_NOT_SET}',
    'okta:',
    `  orgUrl: ${sim.sim.url}`,
    '  apiToken: ${CLI_TEST_TOKEN}',
    'users: []',
    ''
  ].join('\n'))
  const run = startCli(t, ['enroll', '--login', NORA.login, '--config', configFile, ...FAST_POLL], { CLI_TEST_TOKEN: API_TOKEN })

  await run.waitForStderr(/Waiting for the QR code to be scanned/)
  const [pending] = await sim.simGet('/enrollments')
  t.equal((await sim.simPost('/scan', { content: pending.activationLink })).status, 200)
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  t.equal(parseSnippet(t, result.stdout).factorId, pending.factorId)
  assertNoToken(t, result)
})

t.test('enroll leaves an ACTIVE push factor alone without --replace', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const before = await oktaFactors(sim, ALICE.login)
  const result = await runCli(t, ['enroll', '--login', ALICE.login, ...FAST_POLL], sim.env)

  t.equal(result.code, 0, result.stderr)
  t.match(result.stderr, /already has an ACTIVE Okta Verify push factor/)
  t.match(result.stderr, /pass --replace/)
  t.equal(parseSnippet(t, result.stdout).factorId, before[0]?.id, 'the snippet pins the existing factor')
  t.same(await oktaFactors(sim, ALICE.login), before, 'the factors are unchanged')
  t.same(await sim.simGet('/enrollments'), [], 'nothing was enrolled')
  assertNoToken(t, result)
})

t.test('enroll --replace removes the old factor and enrolls a new one', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const [old] = await oktaFactors(sim, ALICE.login)
  const qrFile = scratchFile('qr.png')
  const run = startCli(t, ['enroll', '--login', ALICE.login, '--replace', '--qr-file', qrFile, ...FAST_POLL], sim.env)

  await run.waitForStderr(/Waiting for the QR code to be scanned/)
  await scanQrFile(sim, qrFile)
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  t.match(result.stderr, new RegExp(`Removing the ACTIVE push factor ${old!.id}`))
  t.match(result.stderr, /Okta Verify codes are removed too/)
  const factors = await oktaFactors(sim, ALICE.login)
  t.equal(factors.length, 1)
  t.not(factors[0]?.id, old!.id, 'the factor is new')
  t.equal(factors[0]?.status, 'ACTIVE')
  t.equal(parseSnippet(t, result.stdout).factorId, factors[0]?.id)
  assertNoToken(t, result)
})

t.test('enroll --send email has Okta email the link', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const run = startCli(t, ['enroll', '--login', NORA.login, '--send', 'email', ...FAST_POLL], sim.env)

  await run.waitForStderr(/Waiting for nora@example\.com to open the emailed link/)
  const emails = await sim.simGet('/emails')
  t.equal(emails.length, 1, 'one email was sent')
  t.equal(emails[0].to, NORA.login)
  t.equal((await sim.simPost('/scan', { content: emails[0].activationLink })).status, 200)
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  t.match(result.stderr, /Okta emailed the activation link to nora@example\.com/)
  t.notMatch(result.stderr, /Scan this QR code/, 'no QR code is drawn')
  t.equal(parseSnippet(t, result.stdout).factorId, emails[0].factorId)
  assertNoToken(t, result)
})

t.test('enroll rejects users who cannot sign in', async (t) => {
  const sim = await startCliSimulator(t, [{ ...NORA, status: 'SUSPENDED' }])
  const result = await runCli(t, ['enroll', '--login', NORA.login, ...FAST_POLL], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /nora@example\.com is SUSPENDED in Okta/)
  t.same(await sim.simGet('/enrollments'), [], 'nothing was enrolled')
})

t.test('enroll checks its options before calling Okta', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const cases: Array<{ name: string, args: string[], env?: Record<string, string>, message: RegExp }> = [
    { name: 'missing --login', args: ['enroll'], message: /required option '-l, --login <login>'/ },
    { name: '--send sms', args: ['enroll', '--login', NORA.login, '--send', 'sms'], message: /--send is "sms"; the only channel pushgate can send is email/ },
    { name: 'unwritable --qr-file', args: ['enroll', '--login', NORA.login, '--qr-file', '/nonexistent-folder/qr.png'], message: /--qr-file \/nonexistent-folder\/qr\.png cannot be written/ },
    { name: 'no settings', args: ['enroll', '--login', NORA.login], env: {}, message: /No Okta settings given\. Set OKTA_ORG_URL and OKTA_API_TOKEN/ },
    { name: 'no token', args: ['enroll', '--login', NORA.login], env: { OKTA_ORG_URL: sim.sim.url }, message: /OKTA_API_TOKEN is not set/ },
    { name: 'http org URL', args: ['enroll', '--login', NORA.login], env: { OKTA_ORG_URL: 'http://example.okta.com', OKTA_API_TOKEN: API_TOKEN }, message: /OKTA_ORG_URL is "http:\/\/example\.okta\.com\/"; Okta must be reached over https/ }
  ]
  const results = await Promise.all(cases.map(async (testCase) => await runCli(t, testCase.args, testCase.env ?? sim.env)))
  for (const [index, testCase] of cases.entries()) {
    const result = results[index]!
    t.equal(result.code, 2, `${testCase.name}: exit 2`)
    t.match(result.stderr, testCase.message, `${testCase.name}: message`)
    t.notMatch(result.stderr, /\n\s+at /, `${testCase.name}: no stack trace`)
    assertNoToken(t, result)
  }
  t.same(await sim.simGet('/enrollments'), [], 'nothing was enrolled')
})


t.test('enroll rejected beside a pending factor names unenroll', async (t) => {
  const sim = await startCliSimulator(t, [{ ...NORA, pushFactor: 'pending' }])
  const [pending] = await oktaFactors(sim, NORA.login)
  // The simulator restarts a pending factor's activation; this makes it reject the enroll instead.
  // The first fault lets the factor list through, the second fails the enroll request.
  await sim.control.fault({ delayMs: 0, pathContains: '/factors' })
  await sim.control.fault({ status: 400, errorCode: 'E0000001', pathContains: '/factors' })
  const result = await runCli(t, ['enroll', '--login', NORA.login, ...FAST_POLL], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /Okta did not enroll a new push factor: Api validation failed\./)
  t.match(result.stderr, `nora@example.com has an unfinished push factor ${pending!.id} (PENDING_ACTIVATION)`)
  t.match(result.stderr, `pushgate unenroll --login nora@example.com --factor ${pending!.id}`)
})
