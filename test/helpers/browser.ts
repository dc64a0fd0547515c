/**
 * Headless Chromium for the browser tests, through playwright-core and Debian's /usr/bin/chromium
 * (never a browser that Playwright downloads). One browser per test file; each scenario opens its
 * own context, so cookies never leak between scenarios.
 */
import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Teardown } from './gateway.ts'
import type { TestCertificates } from './tls.ts'
import { TEST_DOMAIN } from './tls.ts'
import { CHROMIUM_FLAGS } from './chromium.ts'
import { CHROMIUM } from './tools.ts'

export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

export const SCREENSHOTS_DIR = new URL('../../docs/screenshots/', import.meta.url)

/**
 * Launches Chromium with every name under the test domain resolving to 127.0.0.1 and every other
 * name failing, so no page can reach another host. The test certificate is accepted by its public
 * key, not by switching certificate checks off.
 */
export async function launchChromium (t: Teardown, certificates: TestCertificates): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM.path,
    args: [
      ...CHROMIUM_FLAGS,
      '--disable-default-apps',
      '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
      `--host-resolver-rules=MAP *.${TEST_DOMAIN} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
      `--ignore-certificate-errors-spki-list=${certificates.spkiSha256}`
    ]
  })
  t.teardown(() => browser.close())
  return browser
}

/** True when the run should refresh docs/screenshots/ (npm run screenshots sets it). */
export function screenshotsEnabled (): boolean {
  return process.env.PUSHGATE_SCREENSHOTS === '1'
}

/**
 * Saves `page` as docs/screenshots/<name>-desktop.png and <name>-phone.png, then restores the
 * page's size. With a single size in `sizes`, the file is <name>.png at that size. Does nothing
 * unless PUSHGATE_SCREENSHOTS=1, so ordinary test runs leave the committed pictures alone.
 */
export async function saveScreenshots (page: Page, name: string, sizes: Array<'desktop' | 'phone'> = ['desktop', 'phone']): Promise<void> {
  if (!screenshotsEnabled()) return
  mkdirSync(SCREENSHOTS_DIR, { recursive: true })
  const original = page.viewportSize()
  for (const size of sizes) {
    await page.setViewportSize(size === 'desktop' ? DESKTOP : PHONE)
    const suffix = sizes.length > 1 ? `-${size}` : ''
    const file = new URL(`${name}${suffix}.png`, SCREENSHOTS_DIR)
    await page.screenshot({ path: file.pathname, animations: 'disabled', caret: 'hide' })
  }
  if (original !== null) await page.setViewportSize(original)
}
