/** A real browser (headless Chromium) through a real Caddy with the shipped examples/caddy/Caddyfile. */
import t from 'tap'
import { launchChromium } from '../helpers/browser.ts'
import { registerBrowserScenarios, registerExpiryScenario, registerLongUrlScenario } from '../helpers/browser-scenarios.ts'
import { ALICE } from '../helpers/gateway.ts'
import { startProxyStack } from '../helpers/proxy-stack.ts'
import { CADDY, CHROMIUM, OPENSSL, requireTools } from '../helpers/tools.ts'

if (requireTools(t, [CADDY, CHROMIUM, OPENSSL])) {
  const stack = await startProxyStack(t, 'caddy', { users: [ALICE] })
  const browser = await launchChromium(t, stack.certificates)
  registerBrowserScenarios(t, stack, browser, { screenshots: false })

  registerLongUrlScenario(t, stack, browser)

  // A second stack whose sessions last 3 s, so expiry takes seconds instead of hours.
  const shortLived = await startProxyStack(t, 'caddy', { users: [ALICE], sessionLifetime: '3s' })
  registerExpiryScenario(t, shortLived, await launchChromium(t, shortLived.certificates))
}
