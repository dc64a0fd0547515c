/**
 * The page shown to a browser when it is signed in with a login that is no longer in `users`, so the
 * person learns why and can sign out instead of facing a bare 403. Kept small and self-contained:
 * Traefik limits the authz response body (maxResponseBodySize, 8192 bytes in the shipped config).
 */
import { html } from '../login/html.ts'

/** Renders the 403 page for `login`, with a sign-out link to `logoutUrl`. */
export function forbiddenPage (login: string, logoutUrl: string): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Access denied</title></head>
<body style="font: 1rem/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem">
<h1>Access denied</h1>
<p>You are signed in as <strong>${login}</strong>, which may no longer use this site. Ask your administrator, or sign out and sign in with another login.</p>
<p><a href="${logoutUrl}">Sign out</a></p>
</body>
</html>
`.value
}
