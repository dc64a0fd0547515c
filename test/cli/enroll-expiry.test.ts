import { readFileSync, statSync, writeFileSync } from 'node:fs'
import t from 'tap'
import {
  assertNoToken,
  decodeQrFile,
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

t.test('expired activation without a terminal names --restart-expired', async (t) => {
  const sim = await startCliSimulator(t, [NORA], { activationLifetimeMs: 600 })
  const result = await runCli(t, ['enroll', '--login', NORA.login, ...FAST_POLL], sim.env)

  t.equal(result.code, 1, result.stderr)
  t.match(result.stderr, /activation expired/)
  t.match(result.stderr, /--restart-expired/)
  t.equal(result.stdout, '', 'no snippet')
  assertNoToken(t, result)
})

t.test('enroll --restart-expired shows a new QR code', async (t) => {
  const sim = await startCliSimulator(t, [NORA], { activationLifetimeMs: 1_000 })
  const qrFile = scratchFile('qr.png')
  const run = startCli(t, ['enroll', '--login', NORA.login, '--restart-expired', '--qr-file', qrFile, ...FAST_POLL], sim.env)

  await run.waitForStderr(/Waiting for the QR code to be scanned/)
  const first = decodeQrFile(qrFile)
  await run.waitForStderr(/Restarting it \(restart 1 of 3\)/)
  const second = await scanQrFile(sim, qrFile, first)
  const result = await run.done

  t.not(second, first, 'the restart brought a new QR code')
  t.equal(result.code, 0, result.stderr)
  t.equal((await oktaFactors(sim, NORA.login))[0]?.status, 'ACTIVE')
  assertNoToken(t, result)
})

t.test('enroll gives up after three restarts', async (t) => {
  const sim = await startCliSimulator(t, [NORA], { activationLifetimeMs: 300 })
  const result = await runCli(t, ['enroll', '--login', NORA.login, '--restart-expired', ...FAST_POLL], sim.env)

  t.equal(result.code, 1, result.stderr)
  t.match(result.stderr, /restart 3 of 3/)
  t.match(result.stderr, /expired 4 times without a scan/)
})

t.test('enroll stops on SIGINT with exit 130 and can run again', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const run = startCli(t, ['enroll', '--login', NORA.login, ...FAST_POLL], sim.env)

  await run.waitForStderr(/Waiting for the QR code to be scanned/)
  run.kill('SIGINT')
  const result = await run.done

  t.equal(result.code, 130)
  t.match(result.stderr, /Stopped before the enrollment finished\. Factor opf\w+ stays PENDING_ACTIVATION/)
  t.equal(result.stdout, '')

  const again = startCli(t, ['enroll', '--login', NORA.login, ...FAST_POLL], sim.env)
  await again.waitForStderr(/Waiting for the QR code to be scanned/)
  const [pending] = await sim.simGet('/enrollments')
  t.equal((await sim.simPost('/scan', { content: pending.activationLink })).status, 200)
  const second = await again.done
  t.equal(second.code, 0, second.stderr)
  t.equal(parseSnippet(t, second.stdout).factorId, pending.factorId)
})

t.test('qr file mode is fixed on an existing file', async (t) => {
  const sim = await startCliSimulator(t, [NORA])
  const qrFile = scratchFile('qr.png')
  writeFileSync(qrFile, 'old', { mode: 0o644 })
  const run = startCli(t, ['enroll', '--login', NORA.login, '--qr-file', qrFile, ...FAST_POLL], sim.env)

  await run.waitForStderr(/Waiting for the QR code to be scanned/)
  t.equal(statSync(qrFile).mode & 0o777, 0o600)
  t.not(readFileSync(qrFile, 'utf8'), 'old')
  run.kill('SIGINT')
  t.equal((await run.done).code, 130)
})
