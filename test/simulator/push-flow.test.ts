import t from 'tap'
import { BROWSER_UA, startHarness } from './helpers.ts'

const TRANSACTION_ID = /^v2mst\.[A-Za-z0-9_-]{22}$/

t.test('verify answers 201 with poll and cancel links', async (t) => {
  const { api, lookup, sim } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')

  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' } })
  t.equal(verify.status, 201)
  t.equal(verify.body.factorResult, 'WAITING')
  t.match(verify.body.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.equal(verify.body._links.poll.hints.allow[0], 'GET')
  t.equal(verify.body._links.cancel.hints.allow[0], 'DELETE')
  t.equal(verify.body._links.poll.href, verify.body._links.cancel.href)
  t.ok(verify.body._links.poll.href.startsWith(`${sim.url}/api/v1/users/${userId}/factors/${factorId}/transactions/`), 'poll link points back to the simulator')
  t.match(verify.body._links.poll.href.split('/').at(-1), TRANSACTION_ID)
  t.equal(verify.body.profile.credentialId, 'alice@example.com')
  t.equal(verify.body.profile.platform, 'IOS', 'profile carries more than the documented fields')
  t.notOk(verify.body._embedded, 'no challenge without number matching')
})

t.test('push approved on the phone polls SUCCESS', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { headers: { 'x-forwarded-for': '203.0.113.7' } })

  const waiting = await api('GET', verify.body._links.poll.href)
  t.equal(waiting.status, 200)
  t.equal(waiting.body.factorResult, 'WAITING')
  t.ok(waiting.body._links.poll)

  const pushes = await control('GET', '/pushes?login=alice@example.com&state=WAITING')
  t.equal(pushes.body.length, 1)
  t.equal(pushes.body[0].userAgent, BROWSER_UA)
  t.equal(pushes.body[0].clientIp, '203.0.113.7')
  const approved = await control('POST', `/pushes/${pushes.body[0].transactionId}/approve`)
  t.equal(approved.status, 200)
  t.equal(approved.body.state, 'SUCCESS')

  const done = await api('GET', verify.body._links.poll.href)
  t.same(done.body, { factorResult: 'SUCCESS' }, 'SUCCESS carries only factorResult')
  const again = await api('GET', verify.body._links.poll.href)
  t.equal(again.body.factorResult, 'SUCCESS', 'SUCCESS stays on later polls')
})

t.test('number challenge shows correctAnswer and accepts it', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { body: { useNumberMatchingChallenge: true } })
  t.equal(verify.status, 201)

  const correctAnswer = verify.body._embedded.challenge.correctAnswer
  t.ok(Number.isInteger(correctAnswer) && correctAnswer >= 1 && correctAnswer <= 99, `correctAnswer ${correctAnswer} is an integer from 1 to 99`)
  const waiting = await api('GET', verify.body._links.poll.href)
  t.equal(waiting.body._embedded.challenge.correctAnswer, correctAnswer, 'polls repeat the challenge')

  const [push] = (await control('GET', '/pushes')).body
  t.equal(push.correctAnswer, correctAnswer)
  t.equal(push.choices.length, 3)
  t.equal(new Set(push.choices).size, 3, 'choices are distinct')
  t.ok(push.choices.includes(correctAnswer))

  await control('POST', `/pushes/${push.transactionId}/approve`, { answer: correctAnswer })
  t.equal((await api('GET', verify.body._links.poll.href)).body.factorResult, 'SUCCESS')
})

t.test('number challenge with wrong answer is REJECTED', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { body: { useNumberMatchingChallenge: true } })
  const [push] = (await control('GET', '/pushes')).body
  const wrong = push.choices.find((choice: number) => choice !== push.correctAnswer)

  const answered = await control('POST', `/pushes/${push.transactionId}/approve`, { answer: wrong })
  t.equal(answered.body.state, 'REJECTED')
  const poll = await api('GET', verify.body._links.poll.href)
  t.equal(poll.body.factorResult, 'REJECTED')
  t.ok(poll.body._links.verify.href.endsWith(`/factors/${factorId}/verify`))
  t.same(poll.body._links.verify.hints.allow, ['POST'])
  t.ok(poll.body._links.factor)
  t.equal(poll.body.profile.credentialId, 'alice@example.com')
})

t.test('denied push polls REJECTED', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)

  const denied = await control('POST', '/users/alice@example.com/latest-push/deny')
  t.equal(denied.body.state, 'REJECTED')
  t.equal((await api('GET', verify.body._links.poll.href)).body.factorResult, 'REJECTED')
  const late = await control('POST', `/pushes/${denied.body.transactionId}/approve`)
  t.equal(late.status, 409, 'an answered push cannot be answered again')
})

t.test('push times out when the clock passes expiresAt', async (t) => {
  const { api, clock, control, lookup } = await startHarness(t, { pushLifetimeMs: 60_000 })
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  t.equal(Date.parse(verify.body.expiresAt), clock.now() + 60_000)

  clock.advance(59_999)
  t.equal((await api('GET', verify.body._links.poll.href)).body.factorResult, 'WAITING')
  clock.advance(1)
  const poll = await api('GET', verify.body._links.poll.href)
  t.equal(poll.body.factorResult, 'TIMEOUT')
  t.ok(poll.body._links.verify)
  t.equal((await control('POST', '/users/alice@example.com/latest-push/approve')).status, 404, 'no WAITING push is left to approve')
})

t.test('control timeout action turns the push to TIMEOUT', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  await control('POST', '/users/alice@example.com/latest-push/timeout')
  t.equal((await api('GET', verify.body._links.poll.href)).body.factorResult, 'TIMEOUT')
})

t.test('cancel answers 204 and later polls are CANCELLED', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)

  const cancel = await api('DELETE', verify.body._links.cancel.href)
  t.equal(cancel.status, 204)
  t.equal(cancel.text, '')
  const poll = await api('GET', verify.body._links.poll.href)
  t.equal(poll.body.factorResult, 'CANCELLED')
  t.equal((await control('GET', '/pushes?state=WAITING')).body.length, 0, 'the phone no longer shows it')
  t.equal((await api('DELETE', verify.body._links.cancel.href)).status, 204, 'cancelling twice is harmless')
})

t.test('newer push leaves the older one WAITING', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const first = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  const second = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  t.not(first.body._links.poll.href, second.body._links.poll.href)

  t.equal((await api('GET', first.body._links.poll.href)).body.factorResult, 'WAITING')
  const latest = await control('POST', '/users/alice@example.com/latest-push/approve')
  t.ok(second.body._links.poll.href.endsWith(latest.body.transactionId), 'latest-push answers the newest push')
  t.equal((await api('GET', first.body._links.poll.href)).body.factorResult, 'WAITING')
})

t.test('verify without User-Agent is rejected', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { headers: { 'user-agent': '' } })
  t.equal(verify.status, 400)
  t.equal(verify.body.errorCode, 'E0000001')
  t.match(verify.body.errorCauses[0].errorSummary, /User-Agent/)
})

t.test('verify of a suspended user is rejected', async (t) => {
  const { api, control, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  await control('PATCH', '/users/alice@example.com', { status: 'SUSPENDED' })
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  t.equal(verify.status, 400)
  t.equal(verify.body.errorCode, 'E0000001')
  t.match(verify.body.errorCauses[0].errorSummary, /SUSPENDED/)

  await control('PATCH', '/users/alice@example.com', { status: 'LOCKED_OUT' })
  const locked = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  t.equal(locked.status, 201, 'a locked-out password does not stop a push')
})

t.test('verify of a pending factor is rejected', async (t) => {
  const { api, lookup } = await startHarness(t, { users: [{ login: 'pat@example.com', pushFactor: 'pending' }] })
  const { userId, factorId } = await lookup('pat@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`)
  t.equal(verify.status, 400)
  t.match(verify.body.errorCauses[0].errorSummary, /PENDING_ACTIVATION/)
})

t.test('verify with a non-boolean useNumberMatchingChallenge is rejected', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const verify = await api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { body: { useNumberMatchingChallenge: 'yes' } })
  t.equal(verify.status, 400)
  t.equal(verify.body.errorCode, 'E0000001')
})

t.test('unknown transaction is 404 E0000007', async (t) => {
  const { api, lookup } = await startHarness(t)
  const { userId, factorId } = await lookup('alice@example.com')
  const poll = await api('GET', `/api/v1/users/${userId}/factors/${factorId}/transactions/v2mst.AAAAAAAAAAAAAAAAAAAAAA`)
  t.equal(poll.status, 404)
  t.equal(poll.body.errorCode, 'E0000007')
  t.match(poll.body.errorSummary, /^Not found: Resource not found: v2mst\.A+ \(Transaction\)$/)
})
