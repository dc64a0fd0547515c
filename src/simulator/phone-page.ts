/**
 * The phone page: a stand-in for Okta Verify that lists waiting pushes with their sign-in context
 * and pending enrollments with their QR codes. Plain server-rendered HTML; every value is escaped.
 */
import { formatDuration } from '../config/duration.ts'
import type { EnrollmentSummary, PushSummary } from './control-actions.ts'
import { html, type SafeHtml } from './html.ts'
import { describeUserAgent } from './user-agent.ts'

/** One-time notices after a form POST, keyed by the `result` query value. */
export const PHONE_NOTICES: Record<string, string> = {
  approved: 'Approved. The sign-in page can continue.',
  rejected: 'Denied. The sign-in page will show the request as rejected.',
  'wrong-number': 'Wrong number: the request was rejected, as Okta Verify does.',
  activated: 'Okta Verify is set up on this simulated phone.',
  gone: 'That request was already answered, expired or cancelled.'
}

export interface PhonePageData {
  pushes: PushSummary[]
  enrollments: EnrollmentSummary[]
  now: number
  notice?: string
}

export function renderPhonePage (data: PhonePageData): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Okta Verify simulator</title>
<link rel="stylesheet" href="/phone/phone.css">
<script src="/phone/refresh.js" defer></script>
</head>
<body>
<main>
<h1>Okta Verify simulator</h1>
<p class="hint">This page stands in for the phone. It refreshes every 2 seconds while no button has focus.</p>
${data.notice === undefined ? '' : html`<p class="notice" role="status">${data.notice}</p>`}
<section aria-labelledby="pushes-heading">
<h2 id="pushes-heading">Sign-in requests</h2>
${data.pushes.length === 0 ? html`<p>No sign-in requests are waiting.</p>` : renderPushGroups(data.pushes, data.now)}
</section>
<section aria-labelledby="enrollments-heading">
<h2 id="enrollments-heading">Waiting to be set up</h2>
${data.enrollments.length === 0 ? html`<p>No enrollment is waiting for a scan.</p>` : data.enrollments.map((item) => renderEnrollment(item, data.now))}
</section>
</main>
</body>
</html>
`.text
}

function renderPushGroups (pushes: PushSummary[], now: number): SafeHtml[] {
  const logins = [...new Set(pushes.map((push) => push.login))]
  return logins.map((login) => html`<h3>${login}</h3>
${pushes.filter((push) => push.login === login).map((push) => renderPush(push, now))}`)
}

function renderPush (push: PushSummary, now: number): SafeHtml {
  const action = `/phone/pushes/${encodeURIComponent(push.transactionId)}`
  return html`<article class="card" aria-label="Sign-in request for ${push.login}">
<p class="question">Are you trying to sign in?</p>
<dl>
<dt>Browser</dt><dd>${describeUserAgent(push.userAgent)}</dd>
<dt>IP address</dt><dd>${push.clientIp}</dd>
<dt>Expires</dt><dd><time datetime="${push.expiresAt}">${expiresIn(push.expiresAt, now)}</time></dd>
</dl>
<details><summary>Full User-Agent</summary>${push.userAgent}</details>
${push.choices === undefined ? '' : renderChoices(action, push.choices)}
<div class="actions">
${push.choices === undefined ? renderApprove(action) : ''}
<form method="post" action="${action}/deny"><button type="submit" class="deny">No, it's not me</button></form>
</div>
</article>
`
}

function renderApprove (action: string): SafeHtml {
  return html`<form method="post" action="${action}/approve"><button type="submit" class="approve">Yes, it's me</button></form>`
}

function renderChoices (action: string, choices: number[]): SafeHtml {
  return html`<form method="post" action="${action}/approve">
<fieldset>
<legend>Tap the number shown on the sign-in page</legend>
<div class="numbers">
${choices.map((choice) => html`<button type="submit" class="number" name="answer" value="${choice}">${choice}</button>`)}
</div>
</fieldset>
</form>
`
}

function renderEnrollment (enrollment: EnrollmentSummary, now: number): SafeHtml {
  const token = encodeURIComponent(enrollment.activationToken)
  return html`<article class="card">
<h3>${enrollment.login}</h3>
<img class="qr" src="/phone/qr/${token}" alt="QR code that activates Okta Verify for ${enrollment.login}">
<p class="expiry">Expires <time datetime="${enrollment.expiresAt}">${expiresIn(enrollment.expiresAt, now)}</time>.</p>
<form method="post" action="/phone/enrollments/${token}/scan">
<button type="submit" class="scan">Scan this QR code</button>
</form>
</article>
`
}

function expiresIn (expiresAt: string, now: number): string {
  return `in ${formatDuration(Date.parse(expiresAt) - now)}`
}
