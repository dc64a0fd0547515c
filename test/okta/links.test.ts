import t, { type Test } from 'tap'
import { OktaLinkRejectedError, type OktaClient } from '../../src/okta/index.ts'
import { checkLink, findNextLink, loggablePath, readLink, readNamedLinks } from '../../src/okta/links.ts'
import {
  FACTOR_ID, TOKEN, USER_ID, assertNoToken, caught, captureLogger, createClient, sendJson, startFakeOkta, type FakeOkta
} from './helpers.ts'

const ORG = new URL('https://example.okta.com')
const PUSH_CONTEXT = { userAgent: 'Mozilla/5.0', clientIp: '203.0.113.7', numberChallenge: false }

/** A server that stands for an attacker: it must never receive a request. */
async function startEvil (t: Test): Promise<FakeOkta> {
  return await startFakeOkta(t, (_request, response) => sendJson(response, 200, {}))
}

t.test('checkLink accepts links on the org origin', async (t) => {
  t.equal(checkLink('https://example.okta.com/api/v1/x?y=1', 'poll', ORG).href, 'https://example.okta.com/api/v1/x?y=1')
  t.equal(checkLink('https://EXAMPLE.okta.com:443/api/v1/x', 'poll', ORG).href, 'https://example.okta.com/api/v1/x')
  t.equal(checkLink('/api/v1/x', 'poll', ORG).href, 'https://example.okta.com/api/v1/x', 'a relative link stays on the org')
})

t.test('checkLink rejects other origins', async (t) => {
  const foreign = [
    'https://evil.test/api/v1/x',
    'http://example.okta.com/api/v1/x',
    'https://example.okta.com:8443/api/v1/x',
    'https://example.okta.com.evil.test/api/v1/x',
    'https://example.okta.com@evil.test/api/v1/x',
    '//evil.test/api/v1/x',
    'https://user:pass@example.okta.com/api/v1/x',
    'javascript:alert(1)',
    'http://[::1'
  ]
  for (const href of foreign) {
    t.throws(() => checkLink(href, 'poll', ORG), OktaLinkRejectedError, href)
  }
})

t.test('rejection names rel and origin only', async (t) => {
  const error = await caught(Promise.resolve().then(() => checkLink('https://evil.test/steal?token=1', 'cancel', ORG))) as OktaLinkRejectedError
  t.equal(error.rel, 'cancel')
  t.equal(error.linkOrigin, 'https://evil.test')
  t.equal(error.code, 'PG_ERR_OKTA_LINK_REJECTED')
  t.equal(error.message, 'Okta sent a cancel link outside the org URL https://example.okta.com; the link was not followed')
})

t.test('readLink takes the first href of an array', async (t) => {
  const links = { poll: [{ name: 'x' }, { href: 'https://example.okta.com/a' }], cancel: { hints: {} } }
  t.equal(readLink(links, 'poll', ORG), 'https://example.okta.com/a')
  t.equal(readLink(links, 'cancel', ORG), undefined, 'no href')
  t.equal(readLink(links, 'missing', ORG), undefined)
  t.equal(readLink(undefined, 'poll', ORG), undefined)
})

t.test('readNamedLinks reads send links', async (t) => {
  const links = {
    send: [
      { name: 'email', href: 'https://example.okta.com/email' },
      { name: 'sms', href: 'https://example.okta.com/sms' },
      { name: 'email', href: 'https://example.okta.com/second-email' },
      { href: 'https://example.okta.com/no-name' }
    ]
  }
  t.same([...readNamedLinks(links, 'send', ORG)], [['email', 'https://example.okta.com/email'], ['sms', 'https://example.okta.com/sms']])
  t.throws(() => readNamedLinks({ send: [{ name: 'sms', href: 'https://evil.test/sms' }] }, 'send', ORG), OktaLinkRejectedError)
})

t.test('findNextLink reads Link headers', async (t) => {
  const self = '<https://example.okta.com/api/v1/users/1/groups?limit=200>; rel="self"'
  const next = '<https://example.okta.com/api/v1/users/1/groups?after=00g2&limit=200>; rel="next"'
  t.equal(findNextLink([self, next]), 'https://example.okta.com/api/v1/users/1/groups?after=00g2&limit=200', 'two headers')
  t.equal(findNextLink(`${self}, ${next}`), 'https://example.okta.com/api/v1/users/1/groups?after=00g2&limit=200', 'one combined header')
  t.equal(findNextLink('<https://example.okta.com/b>; rel=next'), 'https://example.okta.com/b', 'unquoted rel')
  t.equal(findNextLink('<https://example.okta.com/c>; title="x"; REL="prev next"'), 'https://example.okta.com/c', 'several relations')
  t.equal(findNextLink(self), undefined)
  t.equal(findNextLink('<https://example.okta.com/d>; rel="nextpage"'), undefined)
  t.equal(findNextLink(undefined), undefined)
})

t.test('loggablePath masks QR tokens', async (t) => {
  t.equal(loggablePath(new URL('https://example.okta.com/api/v1/users/1/factors/2/qr/00SecretToken?x=1')), '/api/v1/users/1/factors/2/qr/{token}')
  t.equal(loggablePath(new URL('https://example.okta.com/api/v1/users/1/groups?limit=200')), '/api/v1/users/1/groups')
})

t.test('poll link to another origin is not followed and the token is not sent', async (t) => {
  const evil = await startEvil(t)
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 201, {
      factorResult: 'WAITING',
      _links: { poll: { href: evil.link('/api/v1/users/x/factors/y/transactions/z') }, cancel: { href: evil.link('/cancel') } }
    })
  })
  const capture = captureLogger()
  const client = createClient(t, fake, { logger: capture.logger })

  const error = await caught(client.verifyPush(USER_ID, FACTOR_ID, PUSH_CONTEXT)) as OktaLinkRejectedError
  t.type(error, OktaLinkRejectedError)
  t.equal(error.rel, 'poll')
  t.equal(error.linkOrigin, evil.url.origin)
  t.equal(evil.requests.length, 0, 'the other origin received nothing')
  assertNoToken(t, error, 'the error')

  const lines = capture.lines()
  t.equal(lines.length, 1)
  t.equal(lines[0]?.level, 40, 'logged at warn')
  t.notMatch(capture.text(), TOKEN)
})

t.test('next poll link to another origin is rejected', async (t) => {
  const evil = await startEvil(t)
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, { factorResult: 'WAITING', _links: { poll: { href: evil.link('/poll') } } })
  })
  const client = createClient(t, fake)

  const error = await caught(client.pollPush(fake.link('/api/v1/users/x/factors/y/transactions/z')))
  t.type(error, OktaLinkRejectedError)
  t.equal(evil.requests.length, 0)
})

t.test('link-taking methods refuse other origins', async (t) => {
  const evil = await startEvil(t)
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, {}))
  const client = createClient(t, fake)
  const target = evil.link('/api/v1/users/x/factors/y/transactions/z')

  const calls: Array<[string, (client: OktaClient) => Promise<unknown>]> = [
    ['pollPush', async (client) => await client.pollPush(target)],
    ['cancelPush', async (client) => await client.cancelPush(target)],
    ['pollActivation', async (client) => await client.pollActivation(target)],
    ['restartActivation', async (client) => await client.restartActivation(target)],
    ['fetchQrCode', async (client) => await client.fetchQrCode(target)],
    ['sendActivation', async (client) => await client.sendActivation(target)]
  ]
  for (const [name, call] of calls) {
    const error = await caught(call(client))
    t.type(error, OktaLinkRejectedError, name)
  }
  t.equal(evil.requests.length, 0, 'the other origin received nothing')
  t.equal(fake.requests.length, 0, 'nothing was sent to the org either')
})

t.test('userinfo link to the org host is refused', async (t) => {
  const fake = await startFakeOkta(t, (_request, response) => sendJson(response, 200, {}))
  const client = createClient(t, fake)
  const withUser = new URL('/poll', fake.url)
  withUser.username = 'someone'

  const error = await caught(client.pollPush(withUser.href))
  t.type(error, OktaLinkRejectedError)
  t.equal(fake.requests.length, 0)
})

t.test('group page link to another origin is rejected', async (t) => {
  const evil = await startEvil(t)
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, [{ id: '00g1', profile: { name: 'staff' } }], { link: `<${evil.link('/api/v1/users/x/groups?after=1')}>; rel="next"` })
  })
  const client = createClient(t, fake)

  const error = await caught(client.listGroupNames(USER_ID)) as OktaLinkRejectedError
  t.type(error, OktaLinkRejectedError)
  t.equal(error.rel, 'next')
  t.equal(evil.requests.length, 0)
})

t.test('enrollment QR link to another origin is rejected', async (t) => {
  const evil = await startEvil(t)
  const fake = await startFakeOkta(t, (_request, response) => {
    sendJson(response, 200, {
      id: FACTOR_ID,
      status: 'PENDING_ACTIVATION',
      _links: { poll: { href: `${fake.url.origin}/api/v1/users/${USER_ID}/factors/${FACTOR_ID}/lifecycle/activate/poll` } },
      _embedded: { activation: { factorResult: 'WAITING', _links: { qrcode: { href: evil.link('/qr/1') } } } }
    })
  })
  const client = createClient(t, fake)

  const error = await caught(client.enrollPush(USER_ID)) as OktaLinkRejectedError
  t.type(error, OktaLinkRejectedError)
  t.equal(error.rel, 'qrcode')
  t.equal(evil.requests.length, 0)
})
