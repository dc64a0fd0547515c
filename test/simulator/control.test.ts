import t from 'tap'
import { startHarness } from './helpers.ts'

t.test('added user gets ids and can be pushed', async (t) => {
  const { api, control } = await startHarness(t)
  const created = await control('POST', '/users', { login: 'omar@example.com', groups: ['Ops'] })
  t.equal(created.status, 201)
  t.match(created.body.id, /^00u[A-Za-z0-9]{17}$/)
  t.match(created.body.factorId, /^opf[A-Za-z0-9]{17}$/)

  const verify = await api('POST', `/api/v1/users/${created.body.id}/factors/${created.body.factorId}/verify`)
  t.equal(verify.status, 201)
})

t.test('added user without push has no factorId', async (t) => {
  const { control } = await startHarness(t)
  const created = await control('POST', '/users', { login: 'nofactor@example.com', pushFactor: 'none' })
  t.equal(created.status, 201)
  t.notOk('factorId' in created.body)
})

t.test('invalid or duplicate users are rejected', async (t) => {
  const { control } = await startHarness(t)
  t.equal((await control('POST', '/users', { login: 'ALICE@example.com' })).status, 409)
  const noLogin = await control('POST', '/users', { email: 'x@example.com' })
  t.equal(noLogin.status, 400)
  t.match(noLogin.body.error, /login is missing/)
  const badStatus = await control('POST', '/users', { login: 'x@example.com', status: 'ENABLED' })
  t.match(badStatus.body.error, /status is "ENABLED"; it must be one of STAGED/)
  t.equal((await control('POST', '/users', '{nope')).status, 400)
})

t.test('PATCH of an unknown user is 404', async (t) => {
  const { control } = await startHarness(t)
  t.equal((await control('PATCH', '/users/ghost@example.com', { status: 'ACTIVE' })).status, 404)
})

t.test('pushes filter by login and state', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const bob = await control('POST', '/users', { login: 'bob@example.com' })
  const alice = await lookup('alice@example.com')
  await api('POST', `/api/v1/users/${alice.userId}/factors/${alice.factorId}/verify`)
  await api('POST', `/api/v1/users/${bob.body.id}/factors/${bob.body.factorId}/verify`)
  await control('POST', '/users/bob@example.com/latest-push/deny')

  t.equal((await control('GET', '/pushes')).body.length, 2)
  t.equal((await control('GET', '/pushes?login=bob@example.com')).body[0].state, 'REJECTED')
  t.equal((await control('GET', '/pushes?state=waiting')).body[0].login, 'alice@example.com')
  t.equal((await control('GET', '/pushes?state=LOST')).status, 400)
})

t.test('latest-push without a waiting push is 404', async (t) => {
  const { control } = await startHarness(t)
  const response = await control('POST', '/users/alice@example.com/latest-push/approve')
  t.equal(response.status, 404)
  t.match(response.body.error, /no WAITING push/)
  t.equal((await control('POST', '/users/alice@example.com/latest-push/shrug')).status, 404)
})

t.test('stats count pushes per login and requests per route', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)

  const stats = (await control('GET', '/stats')).body
  t.same(stats.pushesReceived, { total: 2, byLogin: { 'alice@example.com': 2 } })
  t.equal(stats.requests.total, 4)
  t.equal(stats.requests.byRoute['POST /api/v1/users/:userId/factors/:factorId/verify'], 2)
  t.equal(stats.requests.byRoute['GET /api/v1/users/:idOrLogin'], 1)
})

t.test('reset restores the seed and clears pushes and stats', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  await control('POST', '/users', { login: 'temp@example.com' })
  await control('PATCH', '/users/alice@example.com', { status: 'SUSPENDED' })
  await control('POST', '/faults', { status: 500 })

  t.equal((await control('POST', '/reset')).status, 204)
  t.same((await control('GET', '/pushes')).body, [])
  t.equal((await control('GET', '/stats')).body.pushesReceived.total, 0)
  t.equal((await api('GET', '/api/v1/users/temp@example.com')).status, 404, 'added users are gone (and the fault was cleared)')
  const alice = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(alice.body.status, 'ACTIVE')
  t.equal(alice.body.id, userId, 'seed ids survive a reset')
})

t.test('unknown control route is 404 JSON', async (t) => {
  const { control } = await startHarness(t)
  const response = await control('GET', '/nothing')
  t.equal(response.status, 404)
  t.match(response.body.error, /No control route GET \/_sim\/nothing/)
})
