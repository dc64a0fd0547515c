import t from 'tap'
import { startDemo } from '../../src/demo/run-demo.ts'
import { launchChromium } from '../helpers/chromium.ts'

t.test('demo walks from the app through the phone page back to the app, signed in', async (t) => {
  const browser = await launchChromium(t)
  if (browser === undefined) return
  const demo = await startDemo({ ports: { pushgate: 0, simulator: 0, app: 0 } })
  t.teardown(() => demo.close())

  const context = await browser.newContext()
  const page = await context.newPage()
  const target = new URL('/reports?year=2026', demo.appUrl).href
  await page.goto(target)
  t.match(page.url(), `${demo.pushgateUrl}/login?rd=`, 'the app sends the browser to the login page')
  t.match(await page.textContent('h1') ?? '', 'Sign in to 127.0.0.1:')

  await page.click('#send')
  await page.waitForSelector('#number:not([hidden])')
  const number = (await page.textContent('#number'))?.trim()
  t.match(number, /^\d+$/, 'the login page shows the number to tap')

  const phone = await context.newPage()
  await phone.goto(demo.simulator.phoneUrl)
  await phone.getByRole('button', { name: number ?? '', exact: true }).click()

  await page.waitForURL(target, { timeout: 15_000 })
  t.equal(page.url(), target, 'back at the exact URL, with path and query')
  t.match(await page.textContent('h1') ?? '', 'Welcome, Alice Example')
  t.match(await page.textContent('body') ?? '', 'alice@example.com')

  await page.goto(demo.pushgateUrl + '/')
  t.match(await page.textContent('body') ?? '', 'Signed in')
  await page.click('text=Sign out')
  await page.waitForLoadState()
  t.match(await page.textContent('body') ?? '', 'Send push', 'signed out: the login page again')
})
