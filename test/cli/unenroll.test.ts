import t from 'tap'
import { assertNoToken, runCli, startCliSimulator, type CliSimulator } from './helpers.ts'

const ALICE = { login: 'alice@example.com', firstName: 'Alice' }

async function aliceFactors (sim: CliSimulator): Promise<Array<{ id: string, status: string }>> {
  const user = await sim.oktaGet(`/users/${ALICE.login}`)
  return await sim.oktaGet(`/users/${user.id}/factors`)
}

t.test('unenroll without --yes and without a terminal refuses', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const [factor] = await aliceFactors(sim)
  const result = await runCli(t, ['unenroll', '--login', ALICE.login, '--factor', factor!.id], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /removing the push factor also removes alice@example\.com's Okta Verify codes/)
  t.match(result.stderr, /there is no terminal to confirm on\. Pass --yes to remove it without asking\./)
  t.equal(result.stdout, '')
  t.same(await aliceFactors(sim), [factor], 'the factor is still there')
  assertNoToken(t, result)
})

t.test('unenroll --yes removes the factor and warns', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const [factor] = await aliceFactors(sim)
  const result = await runCli(t, ['unenroll', '--login', ALICE.login, '--factor', factor!.id, '--yes'], sim.env)

  t.equal(result.code, 0, result.stderr)
  t.match(result.stderr, /Warning: removing the push factor also removes alice@example\.com's Okta Verify codes \(TOTP\) and FastPass/)
  t.equal(result.stdout, `Removed ACTIVE push factor ${factor!.id} on Alice's iPhone (IOS, Okta Verify 9.27.0) from alice@example.com.\n`)
  t.match(result.stderr, new RegExp(`pins factorId: ${factor!.id}`))
  t.same(await aliceFactors(sim), [], 'the factor is gone')
  assertNoToken(t, result)
})

t.test('unenroll of an unknown factor exits 2', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['unenroll', '--login', ALICE.login, '--factor', 'opf00000000000000000', '--yes'], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /alice@example\.com has no factor opf00000000000000000\. List the factors with: pushgate factors --login alice@example\.com/)
  t.equal((await aliceFactors(sim)).length, 1, 'nothing was removed')
})

t.test('unenroll needs --factor', async (t) => {
  const sim = await startCliSimulator(t, [ALICE])
  const result = await runCli(t, ['unenroll', '--login', ALICE.login], sim.env)

  t.equal(result.code, 2)
  t.match(result.stderr, /required option '-f, --factor <id>' not specified/)
})
