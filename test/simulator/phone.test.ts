import t from 'tap'
import { request } from 'undici'
import { send, startHarness, type Harness } from './helpers.ts'

async function phonePage (harness: Harness): Promise<{ html: string, headers: Record<string, unknown> }> {
  const response = await send('GET', harness.sim.phoneUrl, {})
  if (response.status !== 200) throw new Error(`GET /phone answered ${response.status}`)
  return { html: response.text, headers: response.headers }
}

function formActions (html: string): string[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((match) => match[1]!)
}

/** Submits a phone form the way a browser does: urlencoded, then reads the 303. */
async function submitForm (harness: Harness, action: string, fields: Record<string, string> = {}) {
  const response = await request(new URL(action, harness.sim.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString()
  })
  await response.body.dump()
  return { status: response.statusCode, location: response.headers.location }
}

async function sendPush (harness: Harness, options: { numberChallenge?: boolean, userAgent?: string } = {}) {
  const { userId, factorId } = await harness.lookup('alice@example.com')
  const headers = { 'x-forwarded-for': '198.51.100.23', ...(options.userAgent === undefined ? {} : { 'user-agent': options.userAgent }) }
  const body = options.numberChallenge === true ? { useNumberMatchingChallenge: true } : undefined
  const verify = await harness.api('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { headers, ...(body === undefined ? {} : { body }) })
  return verify.body._links.poll.href as string
}

t.test('phone page lists a waiting push with its context', async (t) => {
  const harness = await startHarness(t)
  t.match((await phonePage(harness)).html, /No sign-in requests are waiting/)
  await sendPush(harness)

  const { html, headers } = await phonePage(harness)
  t.match(html, /<html lang="en">/)
  t.match(html, /alice@example\.com/)
  t.match(html, /Safari on macOS/)
  t.match(html, /198\.51\.100\.23/)
  t.match(html, /Yes, it's me/)
  t.match(headers['content-type'], /^text\/html/)
  t.match(headers['content-security-policy'], /default-src 'self'/)
  t.notMatch(html, /<script>|style=/, 'no inline script or style, which the CSP would block')
})

t.test('phone page approve form makes the poll SUCCESS', async (t) => {
  const harness = await startHarness(t)
  const poll = await sendPush(harness)
  const approve = formActions((await phonePage(harness)).html).find((action) => action.endsWith('/approve'))!

  const submitted = await submitForm(harness, approve)
  t.equal(submitted.status, 303)
  t.equal(submitted.location, '/phone?result=approved')
  t.equal((await harness.api('GET', poll)).body.factorResult, 'SUCCESS')
  t.match((await send('GET', `${harness.sim.url}/phone?result=approved`, {})).text, /role="status">Approved/)

  const again = await submitForm(harness, approve)
  t.equal(again.location, '/phone?result=gone', 'a stale button reports the push is gone')
})

t.test('phone page deny form makes the poll REJECTED', async (t) => {
  const harness = await startHarness(t)
  const poll = await sendPush(harness)
  const deny = formActions((await phonePage(harness)).html).find((action) => action.endsWith('/deny'))!
  t.equal((await submitForm(harness, deny)).location, '/phone?result=rejected')
  t.equal((await harness.api('GET', poll)).body.factorResult, 'REJECTED')
})

t.test('phone page shows number choices as buttons', async (t) => {
  const harness = await startHarness(t)
  const poll = await sendPush(harness, { numberChallenge: true })
  const [push] = (await harness.control('GET', '/pushes')).body
  const { html } = await phonePage(harness)

  t.match(html, /<legend>Tap the number shown on the sign-in page<\/legend>/)
  for (const choice of push.choices) t.match(html, new RegExp(`name="answer" value="${choice}"`))
  t.notMatch(html, /Yes, it's me/, 'no plain approve button when a number is needed')

  const approve = formActions(html).find((action) => action.endsWith('/approve'))!
  const submitted = await submitForm(harness, approve, { answer: String(push.correctAnswer) })
  t.equal(submitted.location, '/phone?result=approved')
  t.equal((await harness.api('GET', poll)).body.factorResult, 'SUCCESS')
})

t.test('phone page wrong number rejects the push', async (t) => {
  const harness = await startHarness(t)
  const poll = await sendPush(harness, { numberChallenge: true })
  const [push] = (await harness.control('GET', '/pushes')).body
  const wrong = push.choices.find((choice: number) => choice !== push.correctAnswer)
  const approve = formActions((await phonePage(harness)).html).find((action) => action.endsWith('/approve'))!

  t.equal((await submitForm(harness, approve, { answer: String(wrong) })).location, '/phone?result=wrong-number')
  t.equal((await harness.api('GET', poll)).body.factorResult, 'REJECTED')
})

t.test('phone page escapes logins and User-Agents', async (t) => {
  const harness = await startHarness(t, { users: [{ login: 'alice@example.com', firstName: '<i>Alice</i>' }, { login: '<b>eve</b>@example.com', pushFactor: 'pending' }] })
  await sendPush(harness, { userAgent: '<script>alert(1)</script>' })
  const { html } = await phonePage(harness)
  t.notMatch(html, /<script>alert/)
  t.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  t.notMatch(html, /<b>eve/)
  t.match(html, /&lt;b&gt;eve&lt;\/b&gt;@example\.com/)
})

t.test('phone page scan button activates a pending enrollment', async (t) => {
  const harness = await startHarness(t, { users: [{ login: 'pat@example.com', pushFactor: 'pending' }] })
  const { html } = await phonePage(harness)
  const image = html.match(/<img class="qr" src="([^"]+)" alt="([^"]+)"/)
  t.ok(image, 'shows the QR code with alt text')
  t.match(image![2], /pat@example\.com/)

  const png = await request(new URL(image![1]!, harness.sim.url))
  t.equal(png.statusCode, 200)
  t.equal(png.headers['content-type'], 'image/png')
  await png.body.dump()

  const scan = formActions(html).find((action) => action.endsWith('/scan'))!
  t.equal((await submitForm(harness, scan)).location, '/phone?result=activated')
  const { factorId, userId } = await harness.lookup('pat@example.com')
  const factor = await harness.api('GET', `/api/v1/users/${userId}/factors/${factorId}`)
  t.equal(factor.body.status, 'ACTIVE')
  t.match((await phonePage(harness)).html, /No enrollment is waiting/)
})

t.test('phone page assets come from the simulator', async (t) => {
  const harness = await startHarness(t)
  const css = await send('GET', `${harness.sim.url}/phone/phone.css`, {})
  const script = await send('GET', `${harness.sim.url}/phone/refresh.js`, {})
  t.match(css.headers['content-type'], /^text\/css/)
  t.match(script.headers['content-type'], /^text\/javascript/)
  t.match(script.text, /location\.reload\(\)/)
  t.match(script.text, /2000/)
})
