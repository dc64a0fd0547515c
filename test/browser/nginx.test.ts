/**
 * A real browser (headless Chromium) through a real nginx with the shipped examples/nginx config.
 * This run also refreshes docs/screenshots/ when PUSHGATE_SCREENSHOTS=1 (npm run screenshots).
 */
import t from 'tap'
import { launchChromium, screenshotsEnabled } from '../helpers/browser.ts'
import { registerBrowserScenarios, registerExpiryScenario, registerLongUrlScenario } from '../helpers/browser-scenarios.ts'
import { ALICE } from '../helpers/gateway.ts'
import { startProxyStack } from '../helpers/proxy-stack.ts'
import { CHROMIUM, NGINX, OPENSSL, requireTools } from '../helpers/tools.ts'

if (requireTools(t, [NGINX, CHROMIUM, OPENSSL])) {
  const stack = await startProxyStack(t, 'nginx', { users: [ALICE], standardPorts: screenshotsEnabled() })
  const browser = await launchChromium(t, stack.certificates)
  registerBrowserScenarios(t, stack, browser, { screenshots: true })

  registerLongUrlScenario(t, stack, browser)

  // A second stack whose sessions last 3 s, so expiry takes seconds instead of hours.
  const shortLived = await startProxyStack(t, 'nginx', { users: [ALICE], sessionLifetime: '3s' })
  registerExpiryScenario(t, shortLived, await launchChromium(t, shortLived.certificates))
}
