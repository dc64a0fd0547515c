/**
 * The HTML of pushgate's own pages: the login page and the signed-in page at `/`. The login page
 * renders its first state on the server; src/login/assets/login.js sends the push and follows it.
 */
import type { SessionData } from '../session/sealer.ts'
import { html, type SafeHtml } from './html.ts'

export interface LayoutInput {
  title: string
  basePath: string
  body: SafeHtml
  csrfToken?: string
  script?: boolean
  resume?: boolean
}

function layout (input: LayoutInput): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${input.title}</title>
${input.csrfToken === undefined ? '' : html`<meta name="csrf-token" content="${input.csrfToken}">`}
<meta name="pushgate-base" content="${input.basePath}">
${input.resume === true ? html`<meta name="pushgate-resume" content="waiting">` : ''}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${input.basePath}/assets/style.css">
${input.script === true ? html`<script src="${input.basePath}/assets/login.js" defer></script>` : ''}
</head>
<body>
<main class="card">
${input.body}
</main>
</body>
</html>
`.value
}

export interface LoginPageInput {
  basePath: string
  csrfToken: string
  /** The host the person is going to, shown in the heading. */
  targetHost: string
  /** The validated `rd`, carried through the push. */
  target: string
  askForLogin: boolean
  rememberedLogin: string | undefined
  /** True when this browser already has a push waiting (after a reload): the script picks it up. */
  resume: boolean
}

/** Renders the login page. Nothing is sent until the person clicks "Send push". */
export function loginPage (input: LoginPageInput): string {
  const loginField = input.askForLogin
    ? html`<label for="login">Okta login</label>
<input id="login" name="login" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${input.rememberedLogin ?? ''}">`
    : ''

  const body = html`<h1>Sign in to <span class="host">${input.targetHost}</span></h1>
<p class="lead">Approve a push in Okta Verify on your phone to continue.</p>
<form id="push-form" method="post" action="${input.basePath}/login/push">
${loginField}
<input type="hidden" name="rd" value="${input.target}">
<button id="send" type="submit" class="primary">Send push</button>
</form>
<section id="waiting" class="waiting" hidden aria-labelledby="waiting-heading">
<h2 id="waiting-heading" tabindex="-1">Check your phone</h2>
<p id="number-intro" hidden>Tap this number in Okta Verify:</p>
<p id="number" class="number" hidden></p>
<p id="countdown" class="countdown"></p>
<button id="cancel" type="button" class="secondary">Cancel</button>
</section>
<p id="status" class="status" role="status" aria-live="polite"></p>
<button id="retry" type="button" class="primary" hidden>Send a new push</button>
<noscript><p class="status error">This page needs JavaScript to follow the push on your phone. Turn it on and reload.</p></noscript>`

  return layout({ title: `Sign in to ${input.targetHost}`, basePath: input.basePath, body, csrfToken: input.csrfToken, script: true, resume: input.resume })
}

export interface HomePageInput {
  basePath: string
  session: SessionData
  allowed: boolean
  nowMs: number
}

/** Renders who is signed in, with a sign-out button. */
export function homePage (input: HomePageInput): string {
  const { session } = input
  const minutesLeft = Math.max(0, Math.round((session.expiresAtMs - input.nowMs) / 60_000))
  const notice = input.allowed
    ? ''
    : html`<p class="status error">This login is no longer allowed to use the protected sites. Sign out, or ask your administrator.</p>`

  const body = html`<h1>Signed in</h1>
${notice}
<dl class="identity">
<dt>Login</dt><dd>${session.login}</dd>
${session.name === '' ? '' : html`<dt>Name</dt><dd>${session.name}</dd>`}
${session.email === '' ? '' : html`<dt>Email</dt><dd>${session.email}</dd>`}
${session.groups.length === 0 ? '' : html`<dt>Groups</dt><dd>${session.groups.join(', ')}</dd>`}
<dt>Session ends</dt><dd>in ${formatMinutes(minutesLeft)}</dd>
</dl>
<form method="post" action="${input.basePath}/logout">
<button type="submit" class="secondary">Sign out</button>
</form>`

  return layout({ title: 'Signed in', basePath: input.basePath, body })
}

function formatMinutes (minutes: number): string {
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}
