import t from 'tap'
import { request } from 'undici'
import { adjustableClock } from '../helpers/clock.ts'
import { startGateway } from '../helpers/gateway.ts'

t.test('healthz answers while the process runs', async (t) => {
  const gateway = await startGateway(t)
  const response = await request(`${gateway.url}/healthz`)
  t.equal(response.statusCode, 200)
  t.same(await response.body.json(), { status: 'ok' })
})

t.test('readyz is ready while Okta answers', async (t) => {
  const gateway = await startGateway(t)
  const response = await request(`${gateway.url}/readyz`)
  t.equal(response.statusCode, 200)
  t.same(await response.body.json(), { status: 'ready', okta: 'reachable' })
})

t.test('readyz is not ready when Okta has not answered recently', async (t) => {
  const clock = adjustableClock()
  const gateway = await startGateway(t, { clock })
  await (await request(`${gateway.url}/readyz`)).body.dump()
  await gateway.simulator.close()
  clock.advance(6 * 60_000)
  const response = await request(`${gateway.url}/readyz`)
  t.equal(response.statusCode, 503)
  t.same(await response.body.json(), { status: 'not ready', okta: 'unreachable' })
  const health = await request(`${gateway.url}/healthz`)
  t.equal(health.statusCode, 200, 'liveness does not depend on Okta')
  await health.body.dump()
})
