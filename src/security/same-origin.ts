/**
 * Cross-site request checks for the requests that start or cancel a push. A request passes only
 * when its Origin (or, without one, its Referer) is pushgate's own origin. The CSRF token bound
 * to the browser is checked separately, by @fastify/csrf-protection.
 */
import type { IncomingHttpHeaders } from 'node:http'

/** True when the request comes from a page on `origin` (such as https://auth.example.com). */
export function isSameOriginRequest (headers: IncomingHttpHeaders, origin: string): boolean {
  const fetchSite = headers['sec-fetch-site']
  if (typeof fetchSite === 'string' && fetchSite !== 'same-origin') return false

  const requestOrigin = headers.origin
  if (typeof requestOrigin === 'string') return requestOrigin === origin

  const referer = headers.referer
  if (typeof referer !== 'string') return false
  try {
    return new URL(referer).origin === origin
  } catch {
    return false
  }
}
