/**
 * The identity headers sent on every 200 from an authz endpoint. All four are always present,
 * empty when unknown, so that a proxy which copies them (Traefik authResponseHeaders, Caddy
 * copy_headers, nginx auth_request_set) never passes a copy the client sent itself.
 */
import type { SessionData } from '../session/sealer.ts'

export const IDENTITY_HEADERS = ['Remote-User', 'Remote-Email', 'Remote-Name', 'Remote-Groups'] as const

export type IdentityHeaders = Record<(typeof IDENTITY_HEADERS)[number], string>

// Sessions are immutable once unsealed and the sealer caches them, so each session's headers are
// computed once instead of on every authz check.
const cache = new WeakMap<SessionData, IdentityHeaders>()

/** Returns the identity headers for `session`. */
export function identityHeaders (session: SessionData): IdentityHeaders {
  let headers = cache.get(session)
  if (headers === undefined) {
    headers = buildIdentityHeaders(session)
    cache.set(session, headers)
  }
  return headers
}

function buildIdentityHeaders (session: SessionData): IdentityHeaders {
  return {
    'Remote-User': headerValue(session.login),
    'Remote-Email': headerValue(session.email),
    'Remote-Name': headerValue(session.name),
    'Remote-Groups': headerValue(session.groups.join(','))
  }
}

/**
 * Makes an Okta profile value safe for a header. Control characters are dropped, because CR and LF
 * would split the header. Non-ASCII text is sent as its UTF-8 bytes, which is what upstream
 * applications read; Node refuses characters above U+00FF in a header value outright.
 */
export function headerValue (text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '')
  return Buffer.from(clean, 'utf8').toString('latin1')
}
