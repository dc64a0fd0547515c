/**
 * The main flows against the Okta simulator over HTTP: users, groups, push (approve, deny, time
 * out, cancel, number matching), enrollment with the QR code, and the simulator's faults.
 */
import jsqr from 'jsqr'
import { PNG } from 'pngjs'
import t, { type Test } from 'tap'
import { OktaApiError, OktaClient, OktaRateLimitError, OktaTimeoutError, isOktaNotFound, type OktaClientOptions } from '../../src/okta/index.ts'
import { startSimulator, type SimulatorOptions } from '../../src/simulator/index.ts'
import { TOKEN, caught } from './helpers.ts'

const USERS: NonNullable<SimulatorOptions['users']> = [
  { login: 'alice@example.com', firstName: 'Alice', lastName: 'Liddell', groups: ['staff', 'admins'], pushFactor: 'active' },
  { login: 'bob@example.com', firstName: 'Bob', lastName: 'Builder', pushFactor: 'none' },
  { login: 'carol@example.com', firstName: 'Carol', lastName: 'Danvers', status: 'SUSPENDED', pushFactor: 'pending' }
]
const BROWSER = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', clientIp: '198.51.100.23' }

interface Setup {
  client: OktaClient
  simUrl: string
  /** Calls the simulator's control API and returns its JSON response. */
  control: (method: string, path: string, body?: unknown) => Promise<unknown>
}

async function setup (t: Test, simulator: Partial<SimulatorOptions> = {}, client: Partial<OktaClientOptions> = {}): Promise<Setup> {
  const sim = await startSimulator({ apiToken: TOKEN, users: USERS, ...simulator })
  t.teardown(() => sim.close())
  const okta = new OktaClient({ orgUrl: new URL(sim.url), apiToken: TOKEN, timeoutMs: 2_000, ...client })
  t.teardown(() => okta.close())

  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
    const response = await fetch(`${sim.url}/_sim${path}`, init)
    if (!response.ok) throw new Error(`control ${method} ${path} returned ${response.status}: ${await response.text()}`)
    return response.status === 204 ? undefined : await response.json()
  }
  return { client: okta, simUrl: sim.url, control }
}

async function activePush (t: Test, setup: Setup, login: string) {
  const user = await setup.client.getUser(login)
  const factor = await setup.client.findActivePushFactor(user.id)
  if (factor === undefined) throw new Error(`${login} has no active push factor in the simulator`)
  t.equal(factor.factorType, 'push')
  return { user, factor }
}

/** Returns the transaction id of the push that `pollUrl` polls: its last path segment. */
function transactionOf (pollUrl: string): string {
  return decodeURIComponent(new URL(pollUrl).pathname.split('/').at(-1) ?? '')
}

t.test('getUser reads a seeded user', async (t) => {
  const sim = await setup(t)

  const user = await sim.client.getUser('alice@example.com')
  t.equal(user.login, 'alice@example.com')
  t.equal(user.status, 'ACTIVE')
  t.equal(user.displayName, 'Alice Liddell')
  t.match(user.id, /^[A-Za-z0-9]{20}$/)
  t.same(await sim.client.getUser(user.id), user, 'by id too')
})

t.test('getUser for an unknown login is not found', async (t) => {
  const sim = await setup(t)

  const error = await caught(sim.client.getUser('nobody@example.com'))
  t.ok(isOktaNotFound(error))
  t.equal((error as OktaApiError).errorCode, 'E0000007')
})

t.test('ping and lastSuccessAt', async (t) => {
  const sim = await setup(t, {}, { clock: { now: () => 1_700_000_000_000 } })

  await sim.client.ping()
  t.equal(sim.client.lastSuccessAt, 1_700_000_000_000)
})

t.test('wrong token is 401 E0000011', async (t) => {
  const sim = await setup(t)
  const client = new OktaClient({ orgUrl: new URL(sim.simUrl), apiToken: 'not-the-token', timeoutMs: 2_000 })
  t.teardown(() => client.close())

  const error = await caught(client.ping()) as OktaApiError
  t.type(error, OktaApiError)
  t.equal(error.status, 401)
  t.equal(error.errorCode, 'E0000011')
})

t.test('listGroupNames reads every page', async (t) => {
  const groups = Array.from({ length: 450 }, (_, index) => `team-${String(index).padStart(3, '0')}`)
  const sim = await setup(t, { users: [{ login: 'many@example.com', groups, pushFactor: 'none' }] })

  const user = await sim.client.getUser('many@example.com')
  const names = await sim.client.listGroupNames(user.id)
  t.equal(names.length, 451, '450 groups plus Everyone')
  t.same(new Set(names), new Set([...groups, 'Everyone']))
})

t.test('push approved with number matching', async (t) => {
  const sim = await setup(t)
  const { user, factor } = await activePush(t, sim, 'alice@example.com')

  const challenge = await sim.client.verifyPush(user.id, factor.id, { ...BROWSER, numberChallenge: true })
  t.equal(challenge.outcome, 'waiting')
  t.type(challenge.correctAnswer, 'number')
  t.type(challenge.expiresAt, 'number')
  t.ok(challenge.cancelUrl?.startsWith(sim.simUrl))

  const pushes = await sim.control('GET', '/pushes?login=alice@example.com&state=WAITING') as Array<{ transactionId: string, userAgent: string, clientIp: string }>
  t.equal(pushes.length, 1)
  t.equal(pushes[0]?.userAgent, BROWSER.userAgent, 'Okta saw the browser User-Agent')
  t.equal(pushes[0]?.clientIp, BROWSER.clientIp, 'Okta saw the browser IP')

  const waiting = await sim.client.pollPush(challenge.pollUrl)
  t.equal(waiting.outcome, 'waiting')
  t.equal(waiting.correctAnswer, challenge.correctAnswer)

  await sim.control('POST', `/pushes/${transactionOf(challenge.pollUrl)}/approve`, { answer: challenge.correctAnswer })
  const approved = await sim.client.pollPush(waiting.pollUrl ?? challenge.pollUrl)
  t.equal(approved.result, 'SUCCESS')
  t.equal(approved.outcome, 'approved')
})

t.test('push without number matching is approved', async (t) => {
  const sim = await setup(t)
  const { user, factor } = await activePush(t, sim, 'alice@example.com')

  const challenge = await sim.client.verifyPush(user.id, factor.id, { ...BROWSER, numberChallenge: false })
  t.equal(challenge.correctAnswer, undefined)
  await sim.control('POST', `/pushes/${transactionOf(challenge.pollUrl)}/approve`)
  t.equal((await sim.client.pollPush(challenge.pollUrl)).outcome, 'approved')
})

t.test('push denied', async (t) => {
  const sim = await setup(t)
  const { user, factor } = await activePush(t, sim, 'alice@example.com')

  const challenge = await sim.client.verifyPush(user.id, factor.id, { ...BROWSER, numberChallenge: true })
  await sim.control('POST', `/pushes/${transactionOf(challenge.pollUrl)}/deny`)
  const status = await sim.client.pollPush(challenge.pollUrl)
  t.equal(status.result, 'REJECTED')
  t.equal(status.outcome, 'denied')
})

t.test('push timed out by the control API', async (t) => {
  const sim = await setup(t)
  const { user, factor } = await activePush(t, sim, 'alice@example.com')

  const challenge = await sim.client.verifyPush(user.id, factor.id, { ...BROWSER, numberChallenge: false })
  await sim.control('POST', `/pushes/${transactionOf(challenge.pollUrl)}/timeout`)
  const status = await sim.client.pollPush(challenge.pollUrl)
  t.equal(status.result, 'TIMEOUT')
  t.equal(status.outcome, 'timed_out')
})

t.test('push expires at expiresAt', async (t) => {
  let now = Date.parse('2024-05-01T10:00:00.000Z')
  const sim = await setup(t, { clock: { now: () => now }, pushLifetimeMs: 60_000 })
  const { user, factor } = await activePush(t, sim, 'alice@example.com')

  const challenge = await sim.client.verifyPush(user.id, factor.id, { ...BROWSER, numberChallenge: false })
  t.equal(challenge.expiresAt, now + 60_000)
  now += 61_000
  t.equal((await sim.client.pollPush(challenge.pollUrl)).outcome, 'timed_out')
})

t.test('cancelled push is never approved', async (t) => {
  const sim = await setup(t)
  const { user, factor } = await activePush(t, sim, 'alice@example.com')

  const challenge = await sim.client.verifyPush(user.id, factor.id, { ...BROWSER, numberChallenge: true })
  t.ok(challenge.cancelUrl !== undefined, 'a cancel link')
  await sim.client.cancelPush(challenge.cancelUrl ?? '')
  await sim.client.cancelPush(challenge.cancelUrl ?? '')
  t.pass('cancelling twice is fine')

  // Okta does not document what a poll returns after a cancel: either a result that is not
  // approval, or 404 for the transaction.
  try {
    const status = await sim.client.pollPush(challenge.pollUrl)
    t.not(status.outcome, 'approved')
    t.not(status.outcome, 'waiting')
  } catch (error) {
    t.type(error, OktaApiError)
    t.equal((error as OktaApiError).status, 404)
  }
})

t.test('user without push has no active factor', async (t) => {
  const sim = await setup(t)

  const bob = await sim.client.getUser('bob@example.com')
  t.equal(await sim.client.findActivePushFactor(bob.id), undefined)
  const carol = await sim.client.getUser('carol@example.com')
  t.equal(carol.status, 'SUSPENDED')
  t.equal(await sim.client.findActivePushFactor(carol.id), undefined, 'a pending factor is not active')
})

t.test('enroll, scan the QR code, activate', async (t) => {
  const sim = await setup(t)
  const bob = await sim.client.getUser('bob@example.com')

  const enrollment = await sim.client.enrollPush(bob.id)
  t.equal(enrollment.status, 'PENDING_ACTIVATION')
  t.type(enrollment.activation.expiresAt, 'number')
  t.ok(enrollment.activation.qrcodeUrl !== undefined, 'a QR code link')

  const first = await sim.client.pollActivation(enrollment.activation.pollUrl)
  t.equal(first.state, 'waiting')

  const png = await sim.client.fetchQrCode(enrollment.activation.qrcodeUrl ?? '')
  const image = PNG.sync.read(png)
  // jsqr is CommonJS: under nodenext the default import is module.exports, whose `default` is the decoder.
  const decoded = jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)
  t.ok(decoded !== null, 'the PNG holds a QR code')
  await sim.control('POST', '/scan', { content: decoded?.data ?? '', deviceName: 'Bob Pixel' })

  const done = await sim.client.pollActivation(first.state === 'waiting' && first.pollUrl !== undefined ? first.pollUrl : enrollment.activation.pollUrl)
  t.equal(done.state, 'active')
  t.equal(done.state === 'active' ? done.factor.id : undefined, enrollment.factorId)
  t.equal(done.state === 'active' ? done.factor.device?.name : undefined, 'Bob Pixel')
  t.equal((await sim.client.findActivePushFactor(bob.id))?.id, enrollment.factorId)
})

t.test('expired activation restarts', async (t) => {
  let now = Date.parse('2024-05-01T10:00:00.000Z')
  const sim = await setup(t, { clock: { now: () => now }, activationLifetimeMs: 60_000 })
  const bob = await sim.client.getUser('bob@example.com')

  const enrollment = await sim.client.enrollPush(bob.id)
  now += 61_000
  const expired = await sim.client.pollActivation(enrollment.activation.pollUrl)
  t.equal(expired.state, 'timed_out')
  const activateUrl = expired.state === 'timed_out' ? expired.activateUrl : undefined
  t.ok(activateUrl !== undefined, 'an activate link')

  const restarted = await sim.client.restartActivation(activateUrl ?? '')
  t.equal(restarted.state, 'waiting')
  t.ok(restarted.state === 'waiting' && restarted.qrcodeUrl !== undefined, 'a new QR code')
})

t.test('send activation by email', async (t) => {
  const sim = await setup(t)
  const bob = await sim.client.getUser('bob@example.com')

  const enrollment = await sim.client.enrollPush(bob.id)
  const emailLink = enrollment.activation.sendLinks.email
  t.ok(emailLink !== undefined, 'an email send link')
  await sim.client.sendActivation(emailLink ?? '')
  const emails = await sim.control('GET', '/emails') as unknown[]
  t.equal(emails.length, 1)
})

t.test('deleteFactor removes the push', async (t) => {
  const sim = await setup(t)
  const { user, factor } = await activePush(t, sim, 'alice@example.com')

  await sim.client.deleteFactor(user.id, factor.id)
  t.equal(await sim.client.findActivePushFactor(user.id), undefined)
  const error = await caught(sim.client.getFactor(user.id, factor.id))
  t.ok(isOktaNotFound(error))
})

t.test('simulator 429 gives retryAt', async (t) => {
  const sim = await setup(t)
  await sim.control('POST', '/faults', { status: 429, rateLimitResetSeconds: 30, pathContains: '/users/' })

  const started = Date.now()
  const error = await caught(sim.client.getUser('alice@example.com')) as OktaRateLimitError
  t.type(error, OktaRateLimitError)
  t.ok(error.retryAt >= started + 29_000 && error.retryAt <= started + 33_000, 'about 30 s ahead')
})

t.test('simulator 503 is retried by a GET', async (t) => {
  const sim = await setup(t)
  await sim.control('POST', '/faults', { status: 503, times: 2, pathContains: '/users/' })

  const user = await sim.client.getUser('alice@example.com')
  t.equal(user.login, 'alice@example.com')
})

t.test('simulator hang times out', async (t) => {
  const sim = await setup(t, {}, { timeoutMs: 300 })
  await sim.control('POST', '/faults', { hang: true, pathContains: '/users/' })

  const error = await caught(sim.client.getUser('alice@example.com'))
  t.type(error, OktaTimeoutError)
})
