import t from 'tap'
import { MAX_GROUP_PAGES, OktaBadResponseError } from '../../src/okta/index.ts'
import { FACTOR_ID, USER_BODY, USER_ID, caught, createClient, requestAt, sendJson, startFakeOkta } from './helpers.ts'

t.test('getUser parses the profile', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, USER_BODY))
  const client = createClient(t, fake)

  const user = await client.getUser('alice@example.com')
  t.same(user, {
    id: USER_ID,
    status: 'ACTIVE',
    login: 'alice@example.com',
    email: 'alice@example.com',
    firstName: 'Alice',
    lastName: 'Liddell',
    displayName: 'Alice Liddell'
  })
})

t.test('getUser URL-encodes the login', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, USER_BODY))
  const client = createClient(t, fake)

  await client.getUser('al+ice@example.com')
  await client.getUser('dept/alice')
  await client.getUser('alice?x=1#y')
  t.equal(requestAt(fake, 0).url, '/api/v1/users/al%2Bice%40example.com')
  t.equal(requestAt(fake, 1).url, '/api/v1/users/dept%2Falice')
  t.equal(requestAt(fake, 2).url, '/api/v1/users/alice%3Fx%3D1%23y')
})

t.test('getUser rejects dot segments', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, USER_BODY))
  const client = createClient(t, fake)

  for (const login of ['', '.', '..']) {
    const error = await caught(client.getUser(login))
    t.type(error, TypeError, JSON.stringify(login))
  }
  t.equal(fake.requests.length, 0)
})

t.test('getUser copes with missing names', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, { id: USER_ID, status: 'PROVISIONED', profile: { login: 'svc@example.com', firstName: null, email: '' } })
  })
  const client = createClient(t, fake)

  const user = await client.getUser(USER_ID)
  t.same(user, { id: USER_ID, status: 'PROVISIONED', login: 'svc@example.com', displayName: 'svc@example.com' })
})

t.test('getUser prefers profile.displayName', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, { ...USER_BODY, profile: { ...USER_BODY.profile, displayName: 'Dr. Alice' } })
  })
  const client = createClient(t, fake)

  t.equal((await client.getUser(USER_ID)).displayName, 'Dr. Alice')
})

t.test('getUser without id is a bad response', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, { status: 'ACTIVE', profile: { login: 'a@example.com' } }))
  const client = createClient(t, fake)

  const error = await caught(client.getUser(USER_ID)) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.reason, 'the user has no id, status or profile.login')
})

t.test('listGroupNames follows next links', async (t) => {
  const pages = [
    [{ id: '00g1', type: 'OKTA_GROUP', profile: { name: 'Everyone' } }, { id: '00g2', profile: { name: 'staff' } }],
    [{ id: '00g3', profile: { name: 'admins', description: null } }, { id: '00g4', profile: {} }],
    [{ id: '00g5', profile: { name: 'ops' } }]
  ]
  const fake = await startFakeOkta(t, (request, response, server) => {
    const index = Number(new URL(request.url, server.url).searchParams.get('after') ?? '0')
    const self = `<${server.link(request.url)}>; rel="self"`
    const headers = index + 1 < pages.length
      ? { link: [self, `<${server.link(`/api/v1/users/${USER_ID}/groups?after=${index + 1}&limit=200`)}>; rel="next"`] }
      : { link: self }
    sendJson(response, 200, pages[index], headers)
  })
  const client = createClient(t, fake)

  const names = await client.listGroupNames(USER_ID)
  t.same(names, ['Everyone', 'staff', 'admins', 'ops'], 'a group without a name is skipped')
  t.same(fake.requests.map((request) => request.url), [
    `/api/v1/users/${USER_ID}/groups?limit=200`,
    `/api/v1/users/${USER_ID}/groups?after=1&limit=200`,
    `/api/v1/users/${USER_ID}/groups?after=2&limit=200`
  ])
})

t.test('listGroupNames stops at the page cap', async (t) => {
  const fake = await startFakeOkta(t, (request, response, server) => {
    sendJson(response, 200, [{ id: '00g1', profile: { name: 'loop' } }], { link: `<${server.link(request.url)}>; rel="next"` })
  })
  const client = createClient(t, fake)

  const error = await caught(client.listGroupNames(USER_ID)) as OktaBadResponseError
  t.type(error, OktaBadResponseError)
  t.equal(error.reason, `the group list has more than ${MAX_GROUP_PAGES} pages`)
  t.equal(fake.requests.length, MAX_GROUP_PAGES)
})

t.test('listGroupNames rejects a non-array', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, { groups: [] }))
  const client = createClient(t, fake)

  const error = await caught(client.listGroupNames(USER_ID))
  t.type(error, OktaBadResponseError)
})

const PUSH_FACTOR = {
  id: FACTOR_ID,
  factorType: 'push',
  provider: 'OKTA',
  vendorName: 'OKTA',
  status: 'ACTIVE',
  created: '2024-05-01T10:00:00.000Z',
  profile: { credentialId: 'alice@example.com', deviceType: 'SmartPhone_IPhone', name: 'Alice iPhone', platform: 'IOS', version: '9.26.0', keys: [] },
  _links: { verify: { href: 'https://example.okta.com/verify' } }
}

t.test('listFactors parses factors leniently', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, [
      { id: 'sms1abcd2EFGH3ijk4l5', factorType: 'sms', provider: 'OKTA', status: 'ACTIVE', profile: { phoneNumber: '+1 555 0100' } },
      { factorType: 'push' },
      'not a factor',
      PUSH_FACTOR
    ])
  })
  const client = createClient(t, fake)

  const factors = await client.listFactors(USER_ID)
  t.equal(requestAt(fake, 0).url, `/api/v1/users/${USER_ID}/factors`)
  t.same(factors, [
    { id: 'sms1abcd2EFGH3ijk4l5', factorType: 'sms', provider: 'OKTA', status: 'ACTIVE' },
    {
      id: FACTOR_ID,
      factorType: 'push',
      provider: 'OKTA',
      status: 'ACTIVE',
      vendorName: 'OKTA',
      createdAt: Date.parse('2024-05-01T10:00:00.000Z'),
      device: { credentialId: 'alice@example.com', deviceType: 'SmartPhone_IPhone', name: 'Alice iPhone', platform: 'IOS', version: '9.26.0' }
    }
  ])
})

t.test('findActivePushFactor picks the active Okta push', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, [
      { ...PUSH_FACTOR, id: 'opf0000000000000pend', status: 'PENDING_ACTIVATION' },
      { ...PUSH_FACTOR, id: 'opf00000000000000dup', provider: 'DUO' },
      { id: 'ost1abcd2EFGH3ijk4l5', factorType: 'token:software:totp', provider: 'OKTA', status: 'ACTIVE' },
      PUSH_FACTOR
    ])
  })
  const client = createClient(t, fake)

  const factor = await client.findActivePushFactor(USER_ID)
  t.equal(factor?.id, FACTOR_ID)
})

t.test('findActivePushFactor without one is undefined', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, [{ ...PUSH_FACTOR, status: 'PENDING_ACTIVATION' }]))
  const client = createClient(t, fake)

  t.equal(await client.findActivePushFactor(USER_ID), undefined)
})

t.test('getFactor and deleteFactor use the factor path', async (t) => {
  const fake = await startFakeOkta(t, (request, response) => {
    if (request.method === 'DELETE') {
      response.writeHead(204)
      response.end()
      return
    }
    sendJson(response, 200, PUSH_FACTOR)
  })
  const client = createClient(t, fake)

  const factor = await client.getFactor(USER_ID, FACTOR_ID)
  await client.deleteFactor(USER_ID, FACTOR_ID)
  t.equal(factor.status, 'ACTIVE')
  t.same(fake.requests.map((request) => `${request.method} ${request.url}`), [
    `GET /api/v1/users/${USER_ID}/factors/${FACTOR_ID}`,
    `DELETE /api/v1/users/${USER_ID}/factors/${FACTOR_ID}`
  ])
})

t.test('getFactor without status is a bad response', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, { id: FACTOR_ID, factorType: 'push', provider: 'OKTA' }))
  const client = createClient(t, fake)

  const error = await caught(client.getFactor(USER_ID, FACTOR_ID))
  t.type(error, OktaBadResponseError)
})
