import jsqr from 'jsqr'
import { PNG } from 'pngjs'
import t from 'tap'
import { request } from 'undici'
import { API_TOKEN, startHarness, type Harness } from './helpers.ts'

const NEWCOMER = { login: 'nora@example.com', pushFactor: 'none' as const, deviceName: 'Nora\'s Pixel' }

async function fetchQrCode (href: string): Promise<{ status: number, contentType: unknown, text?: string }> {
  const response = await request(href, { headers: { authorization: `SSWS ${API_TOKEN}` } })
  const bytes = Buffer.from(await response.body.arrayBuffer())
  if (response.statusCode !== 200) return { status: response.statusCode, contentType: response.headers['content-type'] }

  const png = PNG.sync.read(bytes)
  // jsqr is CommonJS: under nodenext the default import is module.exports, whose .default is the function.
  const decoded = jsqr.default(new Uint8ClampedArray(png.data), png.width, png.height)
  return decoded === null
    ? { status: 200, contentType: response.headers['content-type'] }
    : { status: 200, contentType: response.headers['content-type'], text: decoded.data }
}

async function enroll (harness: Harness) {
  const user = await harness.api('GET', `/api/v1/users/${NEWCOMER.login}`)
  const enrolled = await harness.api('POST', `/api/v1/users/${user.body.id}/factors`, { body: { factorType: 'push', provider: 'OKTA' } })
  return { userId: user.body.id as string, enrolled }
}

t.test('enroll answers 200 PENDING_ACTIVATION with activation links', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { userId, enrolled } = await enroll(harness)
  t.equal(enrolled.status, 200)

  const factor = enrolled.body
  t.match(factor.id, /^opf[A-Za-z0-9]{17}$/)
  t.equal(factor.factorType, 'push')
  t.equal(factor.provider, 'OKTA')
  t.equal(factor.vendorName, 'OKTA')
  t.equal(factor.status, 'PENDING_ACTIVATION')
  t.equal(factor._links.poll.href, `${harness.sim.url}/api/v1/users/${userId}/factors/${factor.id}/lifecycle/activate/poll`)
  t.same(factor._links.poll.hints.allow, ['POST'])

  const activation = factor._embedded.activation
  t.equal(activation.factorResult, 'WAITING')
  t.equal(Date.parse(activation.expiresAt), harness.clock.now() + 600_000, 'activation lasts 10 minutes')
  t.equal(activation._links.qrcode.type, 'image/png')
  t.ok(activation._links.qrcode.href.startsWith(`${harness.sim.url}/api/v1/users/${userId}/factors/${factor.id}/qr/`))
  t.same(activation._links.send.map((link: { name: string }) => link.name), ['email', 'sms'])
})

t.test('QR code scanned through the control API activates the factor', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { enrolled } = await enroll(harness)
  const qr = await fetchQrCode(enrolled.body._embedded.activation._links.qrcode.href)
  t.equal(qr.status, 200)
  t.equal(qr.contentType, 'image/png')
  t.ok(qr.text, 'jsQR decodes the PNG')

  const waiting = await harness.api('POST', enrolled.body._links.poll.href)
  t.equal(waiting.body.factorResult, 'WAITING')

  const scanned = await harness.control('POST', '/scan', { content: qr.text })
  t.equal(scanned.status, 200)
  t.equal(scanned.body.status, 'ACTIVE')
  t.equal(scanned.body.deviceName, 'Nora\'s Pixel')

  let poll = await harness.api('POST', enrolled.body._links.poll.href)
  for (let i = 0; i < 5 && poll.body.status !== 'ACTIVE'; i++) poll = await harness.api('POST', enrolled.body._links.poll.href)
  t.equal(poll.body.status, 'ACTIVE')
  t.equal(poll.body.id, enrolled.body.id)
  t.same(Object.keys(poll.body.profile).sort(), ['credentialId', 'deviceType', 'keys', 'name', 'platform', 'version'])
  t.equal(poll.body.profile.credentialId, NEWCOMER.login)
  t.equal(poll.body.profile.name, 'Nora\'s Pixel')
  t.same(poll.body._links.verify.hints.allow, ['POST'])

  const verify = await harness.api('POST', poll.body._links.verify.href)
  t.equal(verify.status, 201, 'the new factor can be verified')

  const reused = await fetchQrCode(enrolled.body._embedded.activation._links.qrcode.href)
  t.equal(reused.status, 404, 'a used QR code is gone')
  t.equal((await harness.control('POST', '/scan', { content: qr.text })).status, 404, 'a used QR code cannot be scanned again')
})

t.test('QR code needs the API token', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { enrolled } = await enroll(harness)
  const response = await request(enrolled.body._embedded.activation._links.qrcode.href)
  await response.body.dump()
  t.equal(response.statusCode, 403)
})

t.test('activation expires: poll TIMEOUT, QR 404, activate restarts', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER], activationLifetimeMs: 120_000 })
  const { enrolled } = await enroll(harness)
  const qr = await fetchQrCode(enrolled.body._embedded.activation._links.qrcode.href)

  harness.clock.advance(120_000)
  const poll = await harness.api('POST', enrolled.body._links.poll.href)
  t.same(poll.body.factorResult, 'TIMEOUT')
  t.ok(poll.body._links.activate.href.endsWith('/lifecycle/activate'))
  t.equal((await fetchQrCode(enrolled.body._embedded.activation._links.qrcode.href)).status, 404)
  const lateScan = await harness.control('POST', '/scan', { content: qr.text })
  t.equal(lateScan.status, 410)

  const restarted = await harness.api('POST', poll.body._links.activate.href)
  t.equal(restarted.status, 200)
  t.equal(restarted.body.factorResult, 'WAITING')
  t.equal(Date.parse(restarted.body.expiresAt), harness.clock.now() + 120_000)
  t.not(restarted.body._links.qrcode.href, enrolled.body._embedded.activation._links.qrcode.href, 'a new QR code')
  const fresh = await fetchQrCode(restarted.body._links.qrcode.href)
  t.equal((await harness.control('POST', '/scan', { content: fresh.text })).status, 200)
})

t.test('more than 5 activation attempts in 5 minutes get 429', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { userId, enrolled } = await enroll(harness)
  const activate = `/api/v1/users/${userId}/factors/${enrolled.body.id}/lifecycle/activate`
  for (let i = 0; i < 5; i++) t.equal((await harness.api('POST', activate)).status, 200, `attempt ${i + 1}`)

  const limited = await harness.api('POST', activate)
  t.equal(limited.status, 429)
  t.equal(limited.body.errorCode, 'E0000047')
  t.equal(limited.headers['x-rate-limit-limit'], '5')
  t.equal(limited.headers['x-rate-limit-remaining'], '0')
  t.equal((await harness.api('POST', enrolled.body._links.poll.href)).status, 200, 'polling is not an attempt')

  harness.clock.advance(5 * 60_000)
  t.equal((await harness.api('POST', activate)).status, 200, 'allowed again after 5 minutes')
})

t.test('enrolling push twice is 400 once it is ACTIVE', async (t) => {
  const harness = await startHarness(t)
  const { userId } = await harness.lookup('alice@example.com')
  const again = await harness.api('POST', `/api/v1/users/${userId}/factors`, { body: { factorType: 'push', provider: 'OKTA' } })
  t.equal(again.status, 400)
  t.equal(again.body.errorCode, 'E0000001')
  t.equal(again.body.errorSummary, 'Api validation failed: factorEnrollRequest')
  t.same(again.body.errorCauses, [{ errorSummary: 'A factor of this type is already set up.' }])
})

t.test('enrolling again while pending keeps the factor id', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { userId, enrolled } = await enroll(harness)
  const again = await harness.api('POST', `/api/v1/users/${userId}/factors`, { body: { factorType: 'push', provider: 'OKTA' } })
  t.equal(again.status, 200)
  t.equal(again.body.id, enrolled.body.id)
  t.not(again.body._embedded.activation._links.qrcode.href, enrolled.body._embedded.activation._links.qrcode.href)
})

t.test('enrolling another factor type is rejected', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { userId } = await harness.lookup(NEWCOMER.login)
  const sms = await harness.api('POST', `/api/v1/users/${userId}/factors`, { body: { factorType: 'sms', provider: 'OKTA' } })
  t.equal(sms.status, 400)
  t.equal(sms.body.errorCode, 'E0000001')
})

t.test('activation email is recorded with a link that activates', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { enrolled } = await enroll(harness)
  const emailLink = enrolled.body._embedded.activation._links.send.find((link: { name: string }) => link.name === 'email')
  const sent = await harness.api('POST', emailLink.href)
  t.equal(sent.status, 200)
  t.equal(sent.body.factorResult, 'WAITING')

  const emails = await harness.control('GET', '/emails')
  t.equal(emails.body.length, 1)
  t.equal(emails.body[0].to, NEWCOMER.login)
  t.equal(emails.body[0].factorId, enrolled.body.id)
  t.match(emails.body[0].activationLink, /^oktaverify:\/\/activate\?/)

  const scanned = await harness.control('POST', '/scan', { content: emails.body[0].activationLink, deviceName: 'Work phone' })
  t.equal(scanned.body.deviceName, 'Work phone')
})

t.test('activation SMS needs a phone number', async (t) => {
  const harness = await startHarness(t, { users: [NEWCOMER] })
  const { enrolled } = await enroll(harness)
  const smsLink = enrolled.body._embedded.activation._links.send.find((link: { name: string }) => link.name === 'sms')
  t.equal((await harness.api('POST', smsLink.href)).status, 400)
  const sent = await harness.api('POST', smsLink.href, { body: { profile: { phoneNumber: '+1 555 0100' } } })
  t.equal(sent.status, 200)
  t.equal((await harness.control('GET', '/sms')).body[0].to, '+1 555 0100')
})

t.test('deleting the factor answers 204 and removes it', async (t) => {
  const harness = await startHarness(t)
  const { userId, factorId } = await harness.lookup('alice@example.com')
  const deleted = await harness.api('DELETE', `/api/v1/users/${userId}/factors/${factorId}`)
  t.equal(deleted.status, 204)
  t.same((await harness.api('GET', `/api/v1/users/${userId}/factors`)).body, [])
  t.equal((await harness.api('GET', `/api/v1/users/${userId}/factors/${factorId}`)).status, 404)

  const reenrolled = await harness.api('POST', `/api/v1/users/${userId}/factors`, { body: { factorType: 'push', provider: 'OKTA' } })
  t.equal(reenrolled.status, 200)
  t.not(reenrolled.body.id, factorId, 'a re-enrolled factor gets a new id')
})
