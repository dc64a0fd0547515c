import t from 'tap'
import { BrowserClient } from '../helpers/browser-client.ts'
import { ALICE, startGateway } from '../helpers/gateway.ts'
import { sealSession } from '../helpers/session.ts'

const BOB = { login: 'bob@example.com', firstName: 'Bob', lastName: 'Builder' }

t.test('login page with one user sends the push without asking for a login', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  const page = await browser.openLogin()
  t.notMatch(page.body, 'id="login"')
  t.match(page.body, '<button id="send" type="submit" class="primary">Send push</button>')
  t.ok(browser.csrfToken, 'the page carries a CSRF token')
  t.equal(page.headers['cache-control'], 'no-store')
})

t.test('login page with several users asks for the login and remembers it', async (t) => {
  const gateway = await startGateway(t, { oktaUsers: [ALICE, BOB] })
  const browser = new BrowserClient(gateway.url)
  const page = await browser.openLogin()
  t.match(page.body, '<label for="login">Okta login</label>')

  await browser.sendPush({ login: BOB.login })
  const hint = browser.setCookieLines.find((line) => line.startsWith('pushgate_login='))
  t.ok(hint, 'the login is remembered')
  t.notMatch(hint, /Domain=/i, 'on pushgate\'s own host only')
  t.match(hint, /HttpOnly/)

  const again = await browser.openLogin()
  t.match(again.body, 'value="bob@example.com"')
})

t.test('empty login gets a clear 400', async (t) => {
  const gateway = await startGateway(t, { oktaUsers: [ALICE, BOB] })
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  const answer = await browser.sendPush({ login: '  ' })
  t.equal(answer.status, 400)
  t.equal(answer.json().message, 'Enter your login.')
})

t.test('login page escapes the target host', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  const page = await browser.openLogin('http://127.0.0.1:1/"><script>alert(1)</script>')
  t.notMatch(page.body, '<script>alert(1)</script>')
})

t.test('starting a push without the CSRF token is rejected', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  await browser.openLogin()
  browser.csrfToken = undefined
  const answer = await browser.sendPush()
  t.equal(answer.status, 403)
  t.equal((await gateway.sim.stats()).pushesReceived.total, 0)
})

t.test('login page when already signed in goes straight to rd', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  browser.cookies.set('pushgate_session', await sealSession(gateway, ALICE.login))
  const answer = await browser.fetch('/login?rd=' + encodeURIComponent('http://127.0.0.1:3000/app'))
  t.equal(answer.status, 302)
  t.equal(answer.headers.location, 'http://127.0.0.1:3000/app')
})

t.test('root shows who is signed in with a sign-out button', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  browser.cookies.set('pushgate_session', await sealSession(gateway, ALICE.login))
  const page = await browser.fetch('/')
  t.equal(page.status, 200)
  t.match(page.body, 'alice@example.com')
  t.match(page.body, 'action="/logout"')
  t.match(page.body, 'Sign out')
})

t.test('root shows the login page when nobody is signed in', async (t) => {
  const gateway = await startGateway(t)
  const page = await new BrowserClient(gateway.url).fetch('/')
  t.equal(page.status, 200)
  t.match(page.body, 'Send push')
})

t.test('logout clears the cookie on the cookie domain and follows a valid rd', async (t) => {
  const gateway = await startGateway(t, {
    publicUrl: () => 'https://auth.example.test',
    config: { session: { cookieDomain: 'example.test' } }
  })
  const browser = new BrowserClient(gateway.url, 'https://auth.example.test')
  browser.cookies.set('pushgate_session', await sealSession(gateway, ALICE.login))

  const answer = await browser.fetch('/logout?rd=' + encodeURIComponent('https://app.example.test/bye'))
  t.equal(answer.status, 303)
  t.equal(answer.headers.location, 'https://app.example.test/bye')
  const cleared = browser.setCookieLines.find((line) => line.startsWith('pushgate_session='))
  t.match(cleared, /Domain=example\.test/)
  t.match(cleared, /Max-Age=0/)
  t.notOk(browser.cookies.has('pushgate_session'))
})

t.test('logout with a foreign rd goes to pushgate\'s root', async (t) => {
  const gateway = await startGateway(t)
  const browser = new BrowserClient(gateway.url)
  const answer = await browser.fetch('/logout?rd=' + encodeURIComponent('https://evil.example.net/'), { method: 'POST' })
  t.equal(answer.status, 303)
  t.equal(answer.headers.location, `${gateway.url}/`)
})

t.test('unknown routes get a JSON 404 without internals', async (t) => {
  const gateway = await startGateway(t)
  const answer = await new BrowserClient(gateway.url).fetch('/nope/../etc/passwd')
  t.equal(answer.status, 404)
  t.same(answer.json(), { error: 'not_found', message: 'Not found' })
})
