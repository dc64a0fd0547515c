import t from 'tap'
import { request } from 'undici'
import { BrowserClient } from '../helpers/browser-client.ts'
import { ALICE, startGateway } from '../helpers/gateway.ts'

t.test('a whole login leaves no token, cookie or secret in the log', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin('http://127.0.0.1:3000/?token=pasted-by-mistake')
  await browser.sendPush()
  await gateway.sim.answerLatest(ALICE.login, 'approve')
  t.equal((await browser.waitForOutcome()).json().state, 'approved')
  const session = browser.cookies.get('pushgate_session') ?? ''
  t.not(session, '')

  const authz = await request(`${gateway.url}/authz/forward-auth`, {
    headers: { cookie: browser.cookieHeader(), authorization: 'Bearer upstream-secret', 'x-forwarded-host': '127.0.0.1:3000', 'x-forwarded-uri': '/' }
  })
  await authz.body.dump()

  const log = gateway.rawLog()
  t.ok(log.length > 0, 'pushgate logged the login')
  for (const [name, secret] of Object.entries({
    'the Okta API token': gateway.apiToken,
    'the session secret': gateway.sessionSecret,
    'the session cookie': session,
    'the flow cookie': browser.cookies.get('pushgate_flow') ?? 'missing',
    'the CSRF token': browser.csrfToken ?? 'missing',
    'an Authorization header': 'upstream-secret',
    'a query string': 'pasted-by-mistake'
  })) {
    t.notOk(log.includes(secret), `${name} is not in the log`)
  }
  t.ok(gateway.logs.some((line) => line.audit === true && line.event === 'push_approved'), 'the audit trail records the approval')
})
