/**
 * Headless Chromium for page tests, driven by playwright-core with Debian's /usr/bin/chromium
 * (never a browser that Playwright downloads). The flags keep Chromium off the network: this
 * machine allows loopback only.
 */
import { chromium, type Browser } from 'playwright-core'
import type { Test } from 'tap'
import { CHROMIUM, requireTools } from './tools.ts'

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/**
 * Launches Chromium for `t`, closed when `t` ends. Playwright gives each launch a fresh, empty
 * profile directory and removes it afterwards. Returns undefined when Chromium is missing (the
 * test is then skipped locally and failed in CI).
 */
export async function launchChromium (t: Test, extraFlags: string[] = []): Promise<Browser | undefined> {
  if (!requireTools(t, [CHROMIUM])) return undefined
  const browser = await chromium.launch({ executablePath: CHROMIUM.path, args: [...CHROMIUM_FLAGS, ...extraFlags] })
  t.teardown(() => browser.close())
  return browser
}
