import t from 'tap'
import { startHarness } from './helpers.ts'

const SEED = [
  { login: 'alice@example.com', firstName: 'Alice', lastName: 'Archer' },
  { login: 'sam@example.com' },
  { login: 'sam@example.org' },
  { login: 'staged@example.com', status: 'STAGED' as const }
]

t.test('user found by id, login, short login and me', async (t) => {
  const { api, sim } = await startHarness(t, { users: SEED })
  const byLogin = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(byLogin.status, 200)
  t.match(byLogin.body.id, /^00u[A-Za-z0-9]{17}$/)

  const byId = await api('GET', `/api/v1/users/${byLogin.body.id}`)
  const byShortLogin = await api('GET', '/api/v1/users/alice')
  const byEncodedLogin = await api('GET', '/api/v1/users/ALICE%40example.com')
  t.equal(byId.body.id, byLogin.body.id)
  t.equal(byShortLogin.body.id, byLogin.body.id)
  t.equal(byEncodedLogin.body.id, byLogin.body.id, 'logins compare ignoring case')

  const me = await api('GET', '/api/v1/users/me')
  t.equal(me.status, 200)
  t.not(me.body.id, byLogin.body.id)
  t.ok(byLogin.body._links.self.href === `${sim.url}/api/v1/users/${byLogin.body.id}`)
})

t.test('ambiguous short login is 404', async (t) => {
  const { api } = await startHarness(t, { users: SEED })
  const response = await api('GET', '/api/v1/users/sam')
  t.equal(response.status, 404)
  t.equal(response.body.errorSummary, 'Not found: Resource not found: sam (User)')
})

t.test('user object has the documented fields and an ETag', async (t) => {
  const { api } = await startHarness(t, { users: SEED })
  const response = await api('GET', '/api/v1/users/alice@example.com')
  for (const field of ['id', 'status', 'created', 'activated', 'statusChanged', 'lastLogin', 'lastUpdated', 'passwordChanged', 'type', 'profile', 'credentials', '_links']) {
    t.ok(field in response.body, `has ${field}`)
  }
  t.same(response.body.profile, { firstName: 'Alice', lastName: 'Archer', mobilePhone: null, secondEmail: null, login: 'alice@example.com', email: 'alice@example.com' })
  t.equal(response.body.status, 'ACTIVE')
  t.match(response.headers.etag, /^W\/".+"$/)

  const staged = await api('GET', '/api/v1/users/staged@example.com')
  t.equal(staged.body.status, 'STAGED')
  t.equal(staged.body.activated, null)
})

t.test('ETag changes when the user changes', async (t) => {
  const { api, clock, control } = await startHarness(t, { users: SEED })
  const before = await api('GET', '/api/v1/users/alice@example.com')
  clock.advance(1000)
  await control('PATCH', '/users/alice@example.com', { status: 'SUSPENDED' })
  const after = await api('GET', '/api/v1/users/alice@example.com')
  t.equal(after.body.status, 'SUSPENDED')
  t.equal(Date.parse(after.body.statusChanged), clock.now())
  t.not(after.headers.etag, before.headers.etag)
})

t.test('user ids stay the same across restarts', async (t) => {
  const first = await startHarness(t, { users: SEED })
  const second = await startHarness(t, { users: SEED })
  const a = await first.lookup('alice@example.com')
  const b = await second.lookup('alice@example.com')
  t.same(a, b, 'user id and seeded factor id are derived from the login')
})

t.test('activating a STAGED user sets activated', async (t) => {
  const { api, clock, control } = await startHarness(t, { users: SEED })
  clock.advance(5000)
  const patched = await control('PATCH', '/users/staged@example.com', { status: 'ACTIVE' })
  t.equal(patched.body.status, 'ACTIVE')
  const user = await api('GET', '/api/v1/users/staged@example.com')
  t.equal(Date.parse(user.body.activated), clock.now())
})
