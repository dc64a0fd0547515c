import t from 'tap'
import { PNG } from 'pngjs'
import { OktaBadResponseError } from '../../src/okta/index.ts'
import { FACTOR_ID, TOKEN, USER_ID, caught, createClient, requestAt, sendJson, startFakeOkta, type FakeOkta } from './helpers.ts'

const FACTOR_PATH = `/api/v1/users/${USER_ID}/factors/${FACTOR_ID}`

/** Builds the enrollment response of Okta's example, with links on `fake`. */
function enrollmentBody (fake: FakeOkta): object {
  return {
    id: FACTOR_ID,
    factorType: 'push',
    provider: 'OKTA',
    vendorName: 'OKTA',
    status: 'PENDING_ACTIVATION',
    created: '2024-05-01T10:00:00.000Z',
    lastUpdated: '2024-05-01T10:00:00.000Z',
    _links: {
      poll: { href: fake.link(`${FACTOR_PATH}/lifecycle/activate/poll`), hints: { allow: ['POST'] } },
      self: { href: fake.link(FACTOR_PATH), hints: { allow: ['GET'] } }
    },
    _embedded: {
      activation: {
        expiresAt: '2024-05-01T10:10:00.000Z',
        factorResult: 'WAITING',
        _links: {
          qrcode: { href: fake.link(`${FACTOR_PATH}/qr/00abcTestQrToken`), type: 'image/png' },
          send: [
            { name: 'email', href: fake.link(`${FACTOR_PATH}/lifecycle/activate/email`), hints: { allow: ['POST'] } },
            { name: 'sms', href: fake.link(`${FACTOR_PATH}/lifecycle/activate/sms`), hints: { allow: ['POST'] } }
          ]
        }
      }
    }
  }
}

t.test('enrollPush posts a push factor', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 200, enrollmentBody(server)))
  const client = createClient(t, fake)

  const enrollment = await client.enrollPush(USER_ID)
  const request = requestAt(fake, 0)
  t.equal(`${request.method} ${request.url}`, `POST /api/v1/users/${USER_ID}/factors`)
  t.equal(request.headers['content-type'], 'application/json')
  t.same(JSON.parse(request.body), { factorType: 'push', provider: 'OKTA' })
  t.same(enrollment, {
    factorId: FACTOR_ID,
    status: 'PENDING_ACTIVATION',
    activation: {
      state: 'waiting',
      expiresAt: Date.parse('2024-05-01T10:10:00.000Z'),
      pollUrl: fake.link(`${FACTOR_PATH}/lifecycle/activate/poll`),
      qrcodeUrl: fake.link(`${FACTOR_PATH}/qr/00abcTestQrToken`),
      sendLinks: { email: fake.link(`${FACTOR_PATH}/lifecycle/activate/email`), sms: fake.link(`${FACTOR_PATH}/lifecycle/activate/sms`) }
    }
  })
})

t.test('enrollPush accepts 201', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 201, enrollmentBody(server)))
  const client = createClient(t, fake)

  t.equal((await client.enrollPush(USER_ID)).factorId, FACTOR_ID)
})

t.test('enrollPush without activation is a bad response', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, { id: FACTOR_ID, factorType: 'push', provider: 'OKTA', status: 'PENDING_ACTIVATION' })
  })
  const client = createClient(t, fake)

  const error = await caught(client.enrollPush(USER_ID)) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.reason, 'the enrolled factor has no id, status or _embedded.activation')
})

t.test('enrollPush without poll link is a bad response', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, { id: FACTOR_ID, status: 'PENDING_ACTIVATION', _embedded: { activation: { factorResult: 'WAITING' } } })
  })
  const client = createClient(t, fake)

  const error = await caught(client.enrollPush(USER_ID)) as OktaBadResponseError
  t.equal(error.reason, 'the enrolled factor has no poll link')
})

t.test('pollActivation posts to the poll link', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => {
    sendJson(response, 200, {
      expiresAt: '2024-05-01T10:10:00.000Z',
      factorResult: 'WAITING',
      _links: {
        poll: { href: server.link(`${FACTOR_PATH}/lifecycle/activate`) },
        qrcode: { href: server.link(`${FACTOR_PATH}/qr/00newQrToken`) },
        send: [{ name: 'email', href: server.link(`${FACTOR_PATH}/lifecycle/activate/email`) }]
      }
    })
  })
  const client = createClient(t, fake)

  const state = await client.pollActivation(fake.link(`${FACTOR_PATH}/lifecycle/activate/poll`))
  const request = requestAt(fake, 0)
  t.equal(`${request.method} ${request.url}`, `POST ${FACTOR_PATH}/lifecycle/activate/poll`)
  t.equal(request.headers['content-length'], '0')
  t.same(state, {
    state: 'waiting',
    expiresAt: Date.parse('2024-05-01T10:10:00.000Z'),
    pollUrl: fake.link(`${FACTOR_PATH}/lifecycle/activate`),
    qrcodeUrl: fake.link(`${FACTOR_PATH}/qr/00newQrToken`),
    sendLinks: { email: fake.link(`${FACTOR_PATH}/lifecycle/activate/email`) }
  })
})

t.test('pollActivation reads every state', async (t) => {
  let body: object = {}
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, body))
  const client = createClient(t, fake)
  const poll = fake.link(`${FACTOR_PATH}/lifecycle/activate/poll`)

  body = { factorResult: 'TIMEOUT', _links: { activate: { href: fake.link(`${FACTOR_PATH}/lifecycle/activate`), hints: { allow: ['POST'] } } } }
  t.same(await client.pollActivation(poll), { state: 'timed_out', activateUrl: fake.link(`${FACTOR_PATH}/lifecycle/activate`) })

  body = { factorResult: 'TIMEOUT' }
  t.same(await client.pollActivation(poll), { state: 'timed_out' }, 'TIMEOUT without a link')

  body = {
    id: FACTOR_ID,
    factorType: 'push',
    provider: 'OKTA',
    status: 'ACTIVE',
    profile: { credentialId: 'alice@example.com', deviceType: 'SmartPhone_IPhone', name: 'Alice iPhone', platform: 'IOS', version: '9.26.0' },
    _links: { verify: { href: fake.link(`${FACTOR_PATH}/verify`) } }
  }
  const active = await client.pollActivation(poll)
  t.equal(active.state, 'active')
  t.same(active.state === 'active' ? active.factor.device : undefined, { credentialId: 'alice@example.com', deviceType: 'SmartPhone_IPhone', name: 'Alice iPhone', platform: 'IOS', version: '9.26.0' })

  body = { factorResult: 'CANCELLED' }
  t.same(await client.pollActivation(poll), { state: 'failed', result: 'CANCELLED' })

  body = { factorResult: 'SOMETHING_NEW' }
  t.same(await client.pollActivation(poll), { state: 'failed', result: 'SOMETHING_NEW' }, 'unknown results fail')

  body = { id: FACTOR_ID, status: 'INACTIVE' }
  t.same(await client.pollActivation(poll), { state: 'failed', result: 'INACTIVE' })

  body = { id: FACTOR_ID, status: 'PENDING_ACTIVATION', _embedded: { activation: { factorResult: 'TIMEOUT' } } }
  t.same(await client.pollActivation(poll), { state: 'timed_out' }, 'activation under _embedded')

  body = {}
  t.type(await caught(client.pollActivation(poll)), OktaBadResponseError, 'no result at all')
})

t.test('restartActivation posts to the activate link', async (t) => {
  const fake = await startFakeOkta(t, (_request, response, server) => sendJson(response, 200, {
    factorResult: 'WAITING',
    _links: { poll: { href: server.link(`${FACTOR_PATH}/lifecycle/activate/poll`) }, qrcode: { href: server.link(`${FACTOR_PATH}/qr/00freshToken`) } }
  }))
  const client = createClient(t, fake)

  const state = await client.restartActivation(fake.link(`${FACTOR_PATH}/lifecycle/activate`))
  t.equal(state.state, 'waiting')
  t.equal(state.state === 'waiting' ? state.qrcodeUrl : undefined, fake.link(`${FACTOR_PATH}/qr/00freshToken`))
  t.equal(`${requestAt(fake, 0).method} ${requestAt(fake, 0).url}`, `POST ${FACTOR_PATH}/lifecycle/activate`)
})

t.test('fetchQrCode returns the PNG with the token', async (t) => {
  const image = new PNG({ width: 2, height: 2 })
  const png = PNG.sync.write(image)
  const fake = await startFakeOkta(t, (_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' })
    response.end(png)
  })
  const client = createClient(t, fake)

  const bytes = await client.fetchQrCode(fake.link(`${FACTOR_PATH}/qr/00abcTestQrToken`))
  t.ok(bytes.equals(png))
  t.equal(requestAt(fake, 0).headers.authorization, `SSWS ${TOKEN}`)
  t.equal(requestAt(fake, 0).headers.accept, 'image/png')
})

t.test('fetchQrCode rejects a non-PNG body', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, { qr: 'nope' }))
  const client = createClient(t, fake)

  const error = await caught(client.fetchQrCode(fake.link(`${FACTOR_PATH}/qr/00abcTestQrToken`))) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.reason, 'the QR code is not a PNG image')
  t.equal(error.path, `${FACTOR_PATH}/qr/{token}`, 'the QR token is masked')
  t.notMatch(error.message, '00abcTestQrToken')
})

t.test('sendActivation posts without a body', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, { factorResult: 'WAITING' }))
  const client = createClient(t, fake)

  await client.sendActivation(fake.link(`${FACTOR_PATH}/lifecycle/activate/sms`))
  const request = requestAt(fake, 0)
  t.equal(`${request.method} ${request.url}`, `POST ${FACTOR_PATH}/lifecycle/activate/sms`)
  t.equal(request.headers['content-length'], '0')
})
