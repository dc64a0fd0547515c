/**
 * Tells a browser navigation (which should be sent to the login page) from everything else
 * (fetch, XHR, API clients, curl), which should get a plain 401: a redirect would break a
 * cross-origin fetch with an opaque CORS failure instead of a status the page can handle.
 */
import type { IncomingHttpHeaders } from 'node:http'

/**
 * True for `Sec-Fetch-Mode: navigate`; for clients that send no Sec-Fetch-Mode, true when Accept
 * lists text/html. `X-Requested-With: XMLHttpRequest` is never a navigation.
 */
export function isBrowserNavigation (headers: IncomingHttpHeaders): boolean {
  const requestedWith = headers['x-requested-with']
  if (typeof requestedWith === 'string' && requestedWith.toLowerCase() === 'xmlhttprequest') return false

  const fetchMode = headers['sec-fetch-mode']
  if (typeof fetchMode === 'string') return fetchMode.toLowerCase() === 'navigate'

  const accept = headers.accept
  return typeof accept === 'string' && /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept)
}
