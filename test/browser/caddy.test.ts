/** A real browser (headless Chromium) through a real Caddy with the shipped examples/caddy/Caddyfile. */
import t from 'tap'
import { launchChromium } from '../helpers/browser.ts'
import { registerBrowserScenarios, registerExpiryScenario } from '../helpers/browser-scenarios.ts'
import { ALICE } from '../helpers/gateway.ts'
import { assertLoginRedirect, LONG_PATH } from '../helpers/proxy-scenarios.ts'
import { startProxyStack } from '../helpers/proxy-stack.ts'
import { CADDY, CHROMIUM, OPENSSL, requireTools } from '../helpers/tools.ts'

if (requireTools(t, [CADDY, CHROMIUM, OPENSSL])) {
  const stack = await startProxyStack(t, 'caddy', { users: [ALICE] })
  const browser = await launchChromium(t, stack.certificates)
  registerBrowserScenarios(t, stack, browser, { screenshots: false })

  t.test('long URL lands on login page', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    const target = stack.url('app', LONG_PATH)

    const response = await page.goto(target)
    const redirect = await response?.request().redirectedFrom()?.response()
    t.equal(redirect?.status(), 302, 'the protected URL answers with a redirect')
    assertLoginRedirect(t, stack, target, await redirect?.headerValue('location') ?? undefined)
    t.equal(response?.status(), 200, 'the login page loads')
    t.match(await page.locator('h1').innerText(), /^Sign in to /)
  })

  // A second stack whose sessions last 3 s, so expiry takes seconds instead of hours.
  const shortLived = await startProxyStack(t, 'caddy', { users: [ALICE], sessionLifetime: '3s' })
  registerExpiryScenario(t, shortLived, await launchChromium(t, shortLived.certificates))
}
