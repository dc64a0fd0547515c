/**
 * Links in Okta responses. Okta returns HAL `_links` (poll, cancel, activate, qrcode, send) and a
 * `Link` header for the next page. The client follows these links and never builds their URLs,
 * because Okta has changed their format before (transaction ids went from `mst…` to `v2mst.…`).
 *
 * Every request carries the API token, so a link is followed only when its origin is the org URL's.
 * A spoofed or tampered response can otherwise send the token to a server of its choosing.
 */
import { OktaLinkRejectedError } from './errors.ts'
import { asObject, readString } from './json.ts'

/**
 * Resolves `href` against the org URL and checks that it stays on the org's origin, without
 * user info. Returns the URL; throws OktaLinkRejectedError otherwise.
 */
export function checkLink (href: string, rel: string, orgUrl: URL): URL {
  let url: URL
  try {
    url = new URL(href, orgUrl)
  } catch {
    throw new OktaLinkRejectedError({ rel, orgOrigin: orgUrl.origin })
  }

  if (url.origin !== orgUrl.origin || url.username !== '' || url.password !== '') {
    throw new OktaLinkRejectedError({ rel, orgOrigin: orgUrl.origin, linkOrigin: url.origin })
  }
  return url
}

/**
 * Reads the `href` of `links[rel]` (a HAL `_links` object) and checks it with checkLink.
 * When Okta sends an array for `rel`, the first entry with an href is used.
 */
export function readLink (links: unknown, rel: string, orgUrl: URL): string | undefined {
  const entry = asObject(links)?.[rel]
  const candidates = Array.isArray(entry) ? entry : [entry]
  for (const candidate of candidates) {
    const href = readString(candidate, 'href')
    if (href !== undefined) return checkLink(href, rel, orgUrl).href
  }
  return undefined
}

/** Reads an array of named links, such as `send: [{name: 'email', href}, {name: 'sms', href}]`. */
export function readNamedLinks (links: unknown, rel: string, orgUrl: URL): Map<string, string> {
  const named = new Map<string, string>()
  const entry = asObject(links)?.[rel]
  if (!Array.isArray(entry)) return named

  for (const candidate of entry) {
    const name = readString(candidate, 'name')
    const href = readString(candidate, 'href')
    if (name === undefined || href === undefined || named.has(name)) continue
    named.set(name, checkLink(href, `${rel} ${name}`, orgUrl).href)
  }
  return named
}

const LINK_VALUE = /<([^>]*)>([^,<]*)/g
const REL_PARAM = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i

/**
 * Finds the `rel="next"` target in `Link` headers (RFC 8288). Okta may send `self` and `next` as
 * separate headers, so `header` may be an array. Returns the raw href, not yet checked.
 */
export function findNextLink (header: string | string[] | undefined): string | undefined {
  const values = typeof header === 'string' ? [header] : header ?? []
  for (const value of values) {
    for (const match of value.matchAll(LINK_VALUE)) {
      const rel = REL_PARAM.exec(match[2] ?? '')
      const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
      if (relations.includes('next')) return match[1]
    }
  }
  return undefined
}

/**
 * Returns the path of `url` for messages and logs. The query string is left out, and the opaque
 * activation token at the end of a QR code link (`…/qr/{token}`) is masked.
 */
export function loggablePath (url: URL): string {
  return url.pathname.replace(/\/qr\/[^/]+/, '/qr/{token}')
}
