/**
 * Checks that span several configuration keys. Each one catches a setting that would otherwise
 * show up later as a redirect loop or a cookie the browser silently drops.
 *
 * The checks read a lenient view of the expanded input instead of the parsed configuration, so they
 * report even when the schema rejects another key in the same run. A key whose value lacks the
 * type a check needs is left out of the view, and the check skips it, because the schema already
 * reports that key.
 */
import { isIP } from 'node:net'
import { parse as parseDomain } from 'tldts'

/** One configuration problem: the key path and what is wrong with it, including the fix. */
export interface ConfigProblem {
  path: string
  message: string
}

/** The keys the cross-key checks read, each one present only when it has the type they need. */
export interface ConfigView {
  /** publicUrl when it parses as an http or https URL. */
  publicUrl: URL | undefined
  /** defaultRedirectUrl when it parses as an http or https URL. */
  defaultRedirectUrl: URL | undefined
  cookieName: string | undefined
  cookieDomain: string | undefined
  /** The entries of `users` that are mappings. */
  users: UserView[]
}

interface UserView {
  /** The entry's position in `users`, for the key path. */
  index: number
  /** The login without surrounding spaces, when it is a non-empty string. */
  login: string | undefined
  hasOktaUserId: boolean
  hasFactorId: boolean
}

/** Builds the view from the expanded input, whatever the schema makes of it. */
export function viewConfig (input: unknown): ConfigView {
  const root = asRecord(input)
  const session = asRecord(root?.session)
  const users = Array.isArray(root?.users) ? root.users as unknown[] : []
  const userViews: UserView[] = []
  users.forEach((entry, index) => {
    const user = asRecord(entry)
    if (user === undefined) return
    const login = typeof user.login === 'string' && user.login.trim() !== '' ? user.login.trim() : undefined
    userViews.push({ index, login, hasOktaUserId: user.oktaUserId != null, hasFactorId: user.factorId != null })
  })
  return {
    publicUrl: asHttpUrl(root?.publicUrl),
    defaultRedirectUrl: asHttpUrl(root?.defaultRedirectUrl),
    cookieName: typeof session?.cookieName === 'string' ? session.cookieName : undefined,
    cookieDomain: typeof session?.cookieDomain === 'string' ? session.cookieDomain : undefined,
    users: userViews
  }
}

function asRecord (value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined
}

function asHttpUrl (value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined
  } catch {
    return undefined
  }
}

/** Returns every cross-key problem in `view`; an empty list means none of these checks failed. */
export function checkConfig (view: ConfigView): ConfigProblem[] {
  return [
    ...checkCookieDomain(view),
    ...checkCookiePrefix(view),
    ...checkRedirectDefault(view),
    ...checkUsers(view)
  ]
}

function checkCookieDomain (view: ConfigView): ConfigProblem[] {
  const domain = view.cookieDomain
  if (domain === undefined) return []

  const path = 'session.cookieDomain'
  const quoted = JSON.stringify(domain)
  if (domain.trim() === '') {
    return [{ path, message: `is ${quoted}; write a domain such as example.com, or omit cookieDomain for a host-only cookie` }]
  }
  if (domain.startsWith('.')) {
    return [{ path, message: `is ${quoted}; write it without the leading dot (${domain.slice(1)}): the cookie covers subdomains either way` }]
  }
  if (domain !== domain.toLowerCase() || domain.endsWith('.')) {
    return [{ path, message: `is ${quoted}; write the domain in lower case without a trailing dot` }]
  }
  if (isIP(domain.replace(/^\[|\]$/g, '')) !== 0) {
    return [{ path, message: `is ${quoted}, an IP address; browsers do not share cookies across IP addresses. Use a domain name, or omit cookieDomain for a host-only cookie` }]
  }
  if (!domain.includes('.')) {
    return [{ path, message: `is ${quoted}, a single label, which browsers treat as a public suffix and refuse to set cookies for. Use a domain with a dot, such as home.arpa subdomains or a real domain, or omit cookieDomain` }]
  }

  const parsed = parseDomain(domain, { allowPrivateDomains: true })
  if (parsed.domain === null || parsed.publicSuffix === domain) {
    return [{ path, message: `is ${quoted}, a public suffix (on the Public Suffix List); browsers refuse cookies for it. Use your own domain below it, such as you.${domain}` }]
  }

  const publicHost = view.publicUrl?.hostname
  if (publicHost !== undefined && publicHost !== domain && !publicHost.endsWith(`.${domain}`)) {
    return [{ path, message: `is ${quoted} but publicUrl's host ${publicHost} is outside it, so the browser would never send the session cookie back to pushgate (a redirect loop). Put pushgate on a host under ${domain}, such as auth.${domain}` }]
  }
  return []
}

function checkCookiePrefix (view: ConfigView): ConfigProblem[] {
  const { cookieName, cookieDomain, publicUrl } = view
  if (cookieName === undefined) return []

  const path = 'session.cookieName'
  // Without a usable publicUrl the scheme is unknown, so only the Domain rule can be checked.
  const http = publicUrl !== undefined && publicUrl.protocol !== 'https:'
  // User agents match the prefixes without regard to case (RFC 6265bis since draft 11), so __HOST- counts too.
  const lowerName = cookieName.toLowerCase()

  if (lowerName.startsWith('__host-')) {
    const problems: ConfigProblem[] = []
    if (http) problems.push({ path, message: `is ${cookieName}; a __Host- cookie needs the Secure attribute, so publicUrl must be https` })
    if (cookieDomain !== undefined) problems.push({ path, message: `is ${cookieName}; a __Host- cookie cannot have a Domain attribute, so remove session.cookieDomain or use the __Secure- prefix` })
    return problems
  }
  if (lowerName.startsWith('__secure-') && http) {
    return [{ path, message: `is ${cookieName}; a __Secure- cookie needs the Secure attribute, so publicUrl must be https` }]
  }
  return []
}

function checkRedirectDefault (view: ConfigView): ConfigProblem[] {
  const target = view.defaultRedirectUrl
  const domain = view.cookieDomain ?? view.publicUrl?.hostname
  if (target === undefined || domain === undefined) return []

  const host = target.hostname
  if (host !== domain && !host.endsWith(`.${domain}`)) {
    return [{ path: 'defaultRedirectUrl', message: `is ${target.href}, whose host is outside ${domain}; the browser would arrive there without the session cookie. Use a URL under ${domain}` }]
  }
  return []
}

function checkUsers (view: ConfigView): ConfigProblem[] {
  const seen = new Set<string>()
  const problems: ConfigProblem[] = []
  for (const user of view.users) {
    if (user.login !== undefined) {
      const key = user.login.toLowerCase()
      if (seen.has(key)) problems.push({ path: `users.${user.index}.login`, message: `is ${JSON.stringify(user.login)}, which is listed twice; keep one entry per login` })
      seen.add(key)
    }
    if (user.hasFactorId && !user.hasOktaUserId) {
      problems.push({ path: `users.${user.index}.factorId`, message: 'is set without oktaUserId; pin both ids, as pushgate enroll prints them, or neither' })
    }
  }
  return problems
}
