/**
 * The redirect rule for `rd` on login and logout. A target must be an absolute http(s) URL whose
 * host is the cookie domain or below it, on any port. It must be https when publicUrl is https.
 * Without a cookie domain, the host must be publicUrl's own. Anything else falls back to
 * defaultRedirectUrl, or to pushgate's own root.
 *
 * The check works on the URL as the WHATWG parser (the one browsers use) reads it, so the host we
 * compare is the host the browser will visit. Percent-encoding, IDN, Unicode dots and numeric IP
 * forms are already normalised by then. The raw text is rejected up front when it contains
 * characters that browsers strip or reinterpret (control characters, whitespace, backslashes).
 */
import type { Config } from '../config/schema.ts'

/** Longer `rd` values are rejected; real URLs this long are rare, and it bounds the work per request. */
export const MAX_REDIRECT_LENGTH = 4096

// Browsers drop tabs and newlines inside URLs and read `\` as `/`, so text containing them
// does not mean what it appears to mean.
const SUSPICIOUS_CHARACTERS = /[\u0000-\u0020\u007f-\u00a0\\\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/u

// The WHATWG parser accepts hosts such as `evil.test;.example.com`, which other URL parsers on the
// way may split differently. A redirect target must be a DNS name (after IDN mapping) or an IP literal.
const HOSTNAME_PATTERN = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])$/

export interface RedirectPolicy {
  /** Returns the normalised target when `rd` passes the rule, else undefined. */
  check: (rd: unknown) => URL | undefined
  /** Returns the target for `rd`: the checked URL, or the fallback. */
  resolve: (rd: unknown) => URL
  /** The target used without a valid `rd`. */
  fallback: URL
}

/** Builds the redirect rule for `config`. */
export function createRedirectPolicy (config: Config): RedirectPolicy {
  const allowedDomain = config.session.cookieDomain ?? config.publicUrl.hostname
  const httpsOnly = config.publicUrl.protocol === 'https:'
  const fallback = config.defaultRedirectUrl ?? new URL(config.publicUrl.href)

  const check = (rd: unknown): URL | undefined => {
    if (typeof rd !== 'string' || rd.length === 0 || rd.length > MAX_REDIRECT_LENGTH) return undefined
    if (SUSPICIOUS_CHARACTERS.test(rd)) return undefined
    if (!/^https?:\/\/[^/]/i.test(rd)) return undefined

    let url: URL
    try {
      url = new URL(rd)
    } catch {
      return undefined
    }
    if (url.protocol !== 'https:' && (httpsOnly || url.protocol !== 'http:')) return undefined
    if (url.username !== '' || url.password !== '') return undefined
    if (!HOSTNAME_PATTERN.test(url.hostname)) return undefined
    if (!isHostWithin(url.hostname, allowedDomain)) return undefined
    return url
  }

  return {
    check,
    resolve: (rd) => check(rd) ?? fallback,
    fallback
  }
}

/** True when `hostname` is `domain` itself or a subdomain of it. */
export function isHostWithin (hostname: string, domain: string): boolean {
  return hostname === domain || hostname.endsWith(`.${domain}`)
}
