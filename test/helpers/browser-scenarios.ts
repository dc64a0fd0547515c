/**
 * What a person does in a real browser in front of nginx or Caddy. They open a protected page,
 * send the push, approve it on the (simulated) phone and come back signed in. Then they visit a
 * second host and sign out, and in other scenarios get a denied or expired push.
 * test/browser/nginx.test.ts and caddy.test.ts run these against their own stack, and the nginx
 * run also saves the screenshots in docs/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Test } from 'tap'
import { DESKTOP, PHONE, saveScreenshots } from './browser.ts'
import { ALICE } from './gateway.ts'
import { assertLoginRedirect, DEEP_PATH, LONG_PATH } from './proxy-scenarios.ts'
import type { ProxyStack } from './proxy-stack.ts'
import type { UpstreamEcho } from './upstream.ts'

/** Maximum wait for pushgate to notice the push's result: it polls Okta every 3 s. */
const PUSH_OUTCOME_TIMEOUT_MS = 10_000

export interface BrowserScenarioOptions {
  /** Save screenshots when PUSHGATE_SCREENSHOTS=1. */
  screenshots: boolean
}

async function newContext (t: Test, browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: 'en-US', colorScheme: 'light' })
  t.teardown(() => context.close())
  return context
}

/** Reads the JSON the upstream app returned, as the page displays it. */
async function echoOf (page: Page): Promise<UpstreamEcho> {
  return JSON.parse(await page.locator('body').innerText()) as UpstreamEcho
}

/** Opens `target`, lands on the login page, and clicks "Send push". Returns the number shown. */
async function startLogin (t: Test, page: Page, stack: ProxyStack, target: string, screenshots = false): Promise<string> {
  await page.goto(target)
  const loginUrl = new URL(page.url())
  t.equal(loginUrl.origin, stack.url('auth', ''), 'the browser is on pushgate\'s host')
  t.equal(loginUrl.pathname, '/login')
  t.equal(loginUrl.searchParams.get('rd'), target, 'rd is the exact protected URL')
  t.equal(await page.locator('h1').innerText(), `Sign in to ${new URL(target).host}`)
  if (screenshots) await saveScreenshots(page, 'login')

  await page.locator('#send').click()
  const number = page.locator('#number')
  await number.waitFor({ state: 'visible' })
  const numberShown = (await number.innerText()).trim()
  t.match(numberShown, /^\d{1,3}$/, 'the login page shows the number to tap')
  if (screenshots) await saveScreenshots(page, 'waiting-number')
  return numberShown
}

export function registerBrowserScenarios (t: Test, stack: ProxyStack, browser: Browser, options: BrowserScenarioOptions): void {
  const { gateway } = stack
  const shoot = options.screenshots

  t.test('phone approval returns to exact URL', async (t) => {
    const context = await newContext(t, browser)
    const page = await context.newPage()
    const target = stack.url('app', DEEP_PATH)
    const number = await startLogin(t, page, stack, target, shoot)

    // The phone is another device: its own context, at a phone's size.
    const phoneContext = await newContext(t, browser, PHONE)
    const phone = await phoneContext.newPage()
    await phone.goto(gateway.simulator.phoneUrl)
    const choice = phone.locator(`button.number[value="${number}"]`)
    await choice.waitFor({ state: 'visible' })
    if (shoot) await saveScreenshots(phone, 'phone-page', ['phone'])

    await choice.click()
    t.match(await phone.locator('.notice').innerText(), /Approved/)
    await page.waitForURL(target, { timeout: PUSH_OUTCOME_TIMEOUT_MS })

    const echo = await echoOf(page)
    t.equal(echo.app, 'app')
    t.equal(echo.url, DEEP_PATH, 'the app received the path and query unchanged')
    t.equal(echo.identity['remote-user'], ALICE.login)
    t.equal(echo.identity['remote-email'], ALICE.login)
    t.equal(echo.identity['remote-name'], 'Alice Example')
    t.match(echo.identity['remote-groups'], /Engineering/)

    const session = (await context.cookies()).find((cookie) => cookie.name === 'pushgate_session')
    t.equal(session?.domain, '.example.test', 'the session cookie covers the whole cookie domain')
    t.equal(session?.secure, true)
    t.equal(session?.httpOnly, true)

    t.test('second host opens without push', async (t) => {
      const before = (await gateway.sim.stats()).pushesReceived.total
      await page.goto(stack.url('second', '/dashboard?tab=1'))
      t.equal(page.url(), stack.url('second', '/dashboard?tab=1'), 'no detour through the login page')
      const second = await echoOf(page)
      t.equal(second.app, 'second')
      t.equal(second.identity['remote-user'], ALICE.login)
      t.equal((await gateway.sim.stats()).pushesReceived.total, before, 'no push was sent')
    })

    t.test('Sign out ends the session', async (t) => {
      await page.goto(stack.url('auth', '/'))
      t.equal(await page.locator('h1').innerText(), 'Signed in')
      t.match(await page.locator('.identity').innerText(), ALICE.login)
      if (shoot) await saveScreenshots(page, 'signed-in')

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(`${stack.url('auth', '')}/**`)
      t.match(await page.locator('h1').innerText(), /^Sign in to /, 'after signing out, pushgate shows its login page')
      t.ok(await page.locator('#send').isVisible())
      t.notOk((await context.cookies()).some((cookie) => cookie.name === 'pushgate_session'), 'the session cookie is gone')

      await page.goto(stack.url('second', '/'))
      t.equal(new URL(page.url()).pathname, '/login', 'the other host needs a new sign-in too')
    })
  })

  t.test('denied push offers a new one', async (t) => {
    const context = await newContext(t, browser)
    const page = await context.newPage()
    await startLogin(t, page, stack, stack.url('app', '/denied'))

    await gateway.sim.answerLatest(ALICE.login, 'deny')
    const status = page.locator('#status.error')
    await status.waitFor({ timeout: PUSH_OUTCOME_TIMEOUT_MS })
    t.match(await status.innerText(), /denied on your phone/)
    t.ok(await page.locator('#retry').isVisible(), 'a button offers a new push')
    t.notOk(await page.locator('#waiting').isVisible(), 'the number is no longer shown')
    if (shoot) await saveScreenshots(page, 'denied')
    t.equal(new URL(page.url()).pathname, '/login', 'the browser stays on the login page')
  })

  t.test('timed-out push shows timeout message', async (t) => {
    const context = await newContext(t, browser)
    const page = await context.newPage()
    await startLogin(t, page, stack, stack.url('app', '/timeout'))

    await gateway.sim.answerLatest(ALICE.login, 'timeout')
    const status = page.locator('#status.error')
    await status.waitFor({ timeout: PUSH_OUTCOME_TIMEOUT_MS })
    t.match(await status.innerText(), /No approval arrived in time/)
    t.ok(await page.locator('#retry').isVisible())
    if (shoot) await saveScreenshots(page, 'timed-out')
  })
}

/**
 * With a short session lifetime: a fetch() from the protected app after the session has expired
 * gets 401, not a redirect to pushgate's login page on another origin.
 */
export function registerExpiryScenario (t: Test, stack: ProxyStack, browser: Browser): void {
  t.test('fetch after expiry gets 401', async (t) => {
    const context = await newContext(t, browser)
    const page = await context.newPage()
    const target = stack.url('app', '/app')
    await startLogin(t, page, stack, target)
    await stack.gateway.sim.answerLatest(ALICE.login, 'approve')
    await page.waitForURL(target, { timeout: PUSH_OUTCOME_TIMEOUT_MS })

    const fetchItems = async (): Promise<{ status: number, redirected: boolean, contentType: string | null }> =>
      await page.evaluate(async () => {
        const response = await fetch('/api/items', { headers: { accept: 'application/json' } })
        return { status: response.status, redirected: response.redirected, contentType: response.headers.get('content-type') }
      })
    t.same(await fetchItems(), { status: 200, redirected: false, contentType: 'application/json; charset=utf-8' }, 'fetch works while signed in')

    const session = (await context.cookies()).find((cookie) => cookie.name === 'pushgate_session')
    t.ok(session, 'signed in')
    const waitMs = Math.max(0, (session?.expires ?? 0) * 1000 - Date.now()) + 500
    await new Promise((resolve) => setTimeout(resolve, waitMs))

    const expired = await fetchItems()
    t.equal(expired.status, 401)
    t.equal(expired.redirected, false, 'fetch was not redirected to the login page')
    t.match(expired.contentType ?? '', /application\/json/)

    await page.goto(stack.url('app', '/app'))
    t.equal(new URL(page.url()).pathname, '/login', 'a navigation goes to the login page again')
  })
}

/** Registers the check that a protected URL too long for a proxy's header buffers still reaches the login page. */
export function registerLongUrlScenario (t: Test, stack: ProxyStack, browser: Browser): void {
  t.test('long URL lands on login page', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    const target = stack.url('app', LONG_PATH)

    const response = await page.goto(target)
    const redirect = await response?.request().redirectedFrom()?.response()
    t.equal(redirect?.status(), 302, 'the protected URL responds with a redirect')
    assertLoginRedirect(t, stack, target, await redirect?.headerValue('location') ?? undefined)
    t.equal(response?.status(), 200, 'the login page loads')
    t.match(await page.locator('h1').innerText(), /^Sign in to /)
  })
}
