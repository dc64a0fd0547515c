/**
 * The phone page's stylesheet and refresh script, served from the simulator itself because the
 * page's Content-Security-Policy allows nothing inline and nothing from other origins.
 */

/**
 * Reloads the page every 2 seconds so new pushes show up, but not while a button has focus, so a
 * reload never pulls a button away from someone about to press it. The one-time result notice
 * (`?result=…`) is dropped from the address so that it does not come back on the next reload.
 */
export const REFRESH_SCRIPT = `'use strict'
if (location.search !== '') history.replaceState(null, '', location.pathname)
setInterval(function () {
  var active = document.activeElement
  if (active === null || active === document.body) location.reload()
}, 2000)
`

// Colours meet WCAG AA contrast: #1b1b1b and #4a4a4a on white, white on #0b6e3a and #b3261e.
export const STYLESHEET = `:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; background: #f4f5f7; }
body { margin: 0; }
main { max-width: 32rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.5rem; overflow-wrap: anywhere; }
.hint, .expiry, details { color: #4a4a4a; font-size: 0.9rem; }
.notice { background: #e8f1fb; border-left: 4px solid #1a5fb4; padding: 0.5rem 0.75rem; }
.card { background: #fff; border-radius: 12px; padding: 1rem; margin-bottom: 1rem; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.2); }
.question { font-size: 1.1rem; font-weight: 600; margin-top: 0; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 0.75rem; margin: 0 0 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
details { margin-bottom: 1rem; overflow-wrap: anywhere; }
fieldset { border: 0; margin: 0 0 0.75rem; padding: 0; }
legend { font-weight: 600; margin-bottom: 0.5rem; }
form { margin: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; }
.numbers { display: flex; gap: 0.75rem; }
button { font: inherit; font-size: 1rem; min-height: 48px; min-width: 48px; padding: 0.5rem 1rem; border-radius: 8px; border: 2px solid transparent; cursor: pointer; }
button:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 3px; }
.approve { background: #0b6e3a; color: #fff; }
.deny { background: #b3261e; color: #fff; }
.number { background: #fff; color: #1b1b1b; border-color: #1a5fb4; font-size: 1.5rem; font-weight: 700; min-width: 4.5rem; }
.scan { background: #1a5fb4; color: #fff; }
img.qr { display: block; width: 100%; max-width: 16rem; height: auto; image-rendering: pixelated; margin-bottom: 0.75rem; }
`
