import t from 'tap'
import type { SimulatedPush } from '../helpers/simulator-control.ts'
import { assertNoToken, eventually, FAST_POLL, runCli, startCli, startCliSimulator, type CliSimulator } from './helpers.ts'

const ALICE = { login: 'alice@example.com', firstName: 'Alice' }

async function waitingPush (sim: CliSimulator): Promise<SimulatedPush> {
  return await eventually(async () => (await sim.control.pushes({ login: ALICE.login, state: 'WAITING' }))[0])
}

t.test('approved push exits 0 and shows the number', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const run = startCli(t, ['test-push', '--login', ALICE.login, ...FAST_POLL], sim.env)

  const push = await waitingPush(sim)
  await run.waitForStderr(/Waiting for the answer in Okta Verify/)
  await sim.control.answerLatest(ALICE.login, 'approve')
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  t.ok(push.correctAnswer !== undefined, 'number challenge is on by default')
  t.match(result.stderr, new RegExp(`Tap ${push.correctAnswer} in Okta Verify\\.`))
  t.match(result.stderr, /Push sent to Alice's iPhone \(IOS, Okta Verify [\d.]+\) for alice@example\.com\./)
  t.equal(result.stdout, 'Push approved by alice@example.com on Alice\'s iPhone (IOS, Okta Verify 9.27.0).\n')
  t.match(push.userAgent, /^pushgate\/\d+\.\d+\.\d+ test-push \(Node\.js /, 'the push names the CLI as its source')
  assertNoToken(t, result)
})

t.test('denied push exits 1', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const run = startCli(t, ['test-push', '--login', ALICE.login, ...FAST_POLL], sim.env)

  await waitingPush(sim)
  await sim.control.answerLatest(ALICE.login, 'deny')
  const result = await run.done

  t.equal(result.code, 1)
  t.match(result.stderr, /Push denied on Alice's iPhone/)
  t.equal(result.stdout, '')
  assertNoToken(t, result)
})

t.test('timed-out push exits 1', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const run = startCli(t, ['test-push', '--login', ALICE.login, ...FAST_POLL], sim.env)

  await waitingPush(sim)
  await sim.control.answerLatest(ALICE.login, 'timeout')
  const result = await run.done

  t.equal(result.code, 1)
  t.match(result.stderr, /Push timed out without a response on Alice's iPhone/)
  assertNoToken(t, result)
})

t.test('push that expires unanswered exits 1', async (t) => {
  const sim = await startCliSimulator(t, [ALICE], { pushLifetimeMs: 700 })
  const result = await runCli(t, ['test-push', '--login', ALICE.login, ...FAST_POLL], sim.env)

  t.equal(result.code, 1)
  t.match(result.stderr, /Push timed out/)
})

t.test('--no-number-challenge sends a push without a number', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const run = startCli(t, ['test-push', '--login', ALICE.login, '--no-number-challenge', ...FAST_POLL], sim.env)

  const push = await waitingPush(sim)
  await sim.control.answerLatest(ALICE.login, 'approve')
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  t.equal(push.correctAnswer, undefined)
  t.notMatch(result.stderr, /Tap \d+/)
})

t.test('SIGINT cancels the push and exits 130', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const run = startCli(t, ['test-push', '--login', ALICE.login, ...FAST_POLL], sim.env)

  const push = await waitingPush(sim)
  await run.waitForStderr(/Waiting for the answer/)
  run.kill('SIGINT')
  const result = await run.done

  t.equal(result.code, 130)
  t.match(result.stderr, /Stopped\. The push was cancelled\./)
  const [after] = (await sim.control.pushes({ login: ALICE.login })).filter((candidate) => candidate.transactionId === push.transactionId)
  t.equal(after?.state, 'CANCELLED')
})

t.test('test-push errors a person can act on exit 2', async (t) => {
  const sim = await startCliSimulator(t, [
    ALICE,
    { login: 'nora@example.com', pushFactor: 'none' },
    { login: 'sam@example.com', status: 'SUSPENDED' },
    { login: 'stan@example.com', status: 'STAGED' }
  ])
  const cases = [
    { login: 'nora@example.com', message: /nora@example\.com has no ACTIVE Okta Verify push factor\. Enroll a phone with: pushgate enroll --login nora@example\.com/ },
    { login: 'sam@example.com', message: /sam@example\.com is SUSPENDED in Okta, so pushgate cannot sign them in/ },
    { login: 'stan@example.com', message: /stan@example\.com is STAGED in Okta/ },
    { login: 'bob@example.com', message: /No Okta user has the login "bob@example\.com"/ }
  ]
  const results = await Promise.all(cases.map(async (testCase) => await runCli(t, ['test-push', '--login', testCase.login, ...FAST_POLL], sim.env)))
  for (const [index, testCase] of cases.entries()) {
    const result = results[index]!
    t.equal(result.code, 2, `${testCase.login}: exit 2`)
    t.match(result.stderr, testCase.message, `${testCase.login}: message`)
  }
  t.same(await sim.control.pushes(), [], 'no push was sent')
})

t.test('test-push --factor checks the factor', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['test-push', '--login', ALICE.login, '--factor', 'opf00000000000000000', ...FAST_POLL], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /alice@example\.com has no factor opf00000000000000000\. List the factors with: pushgate factors --login alice@example\.com/)
})

t.test('test-push rate limit on verify exits 1', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  await sim.control.fault({ status: 429, rateLimitResetSeconds: 20, pathContains: '/verify' })
  const result = await runCli(t, ['test-push', '--login', ALICE.login, ...FAST_POLL], sim.env)

  t.equal(result.code, 1)
  t.match(result.stderr, /Okta's rate limit was reached on POST \/api\/v1\/users\/\w+\/factors\/\w+\/verify\. Wait 2[0-2] s/)
})

t.test('test-push rides out a short rate limit while polling', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const run = startCli(t, ['test-push', '--login', ALICE.login, ...FAST_POLL], sim.env)

  await waitingPush(sim)
  // A reset further away than the client's own 2 s wait reaches the poll loop.
  await sim.control.fault({ status: 429, rateLimitResetSeconds: 3, pathContains: '/transactions/' })
  await run.waitForStderr(/Okta's rate limit was reached; polling again in \d s/)
  await sim.control.answerLatest(ALICE.login, 'approve')
  const result = await run.done

  t.equal(result.code, 0, result.stderr)
  t.match(result.stdout, /Push approved/)
})
