/**
 * Checks that span several configuration keys. Each one catches a setting that would otherwise
 * show up later as a redirect loop or a cookie the browser silently drops.
 */
import { isIP } from 'node:net'
import { parse as parseDomain } from 'tldts'
import type { Config } from './schema.ts'

/** One configuration problem: the key path and what is wrong with it, including the fix. */
export interface ConfigProblem {
  path: string
  message: string
}

/** Returns every cross-key problem in `config`; an empty list means the configuration is usable. */
export function checkConfig (config: Config): ConfigProblem[] {
  return [
    ...checkCookieDomain(config),
    ...checkCookiePrefix(config),
    ...checkRedirectDefault(config),
    ...checkUsers(config)
  ]
}

function checkCookieDomain (config: Config): ConfigProblem[] {
  const domain = config.session.cookieDomain
  if (domain === undefined) return []

  const path = 'session.cookieDomain'
  const quoted = JSON.stringify(domain)
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

  const publicHost = config.publicUrl.hostname
  if (publicHost !== domain && !publicHost.endsWith(`.${domain}`)) {
    return [{ path, message: `is ${quoted} but publicUrl's host ${publicHost} is outside it, so the browser would never send the session cookie back to pushgate (a redirect loop). Put pushgate on a host under ${domain}, such as auth.${domain}` }]
  }
  return []
}

function checkCookiePrefix (config: Config): ConfigProblem[] {
  const { cookieName, cookieDomain } = config.session
  const path = 'session.cookieName'
  const https = config.publicUrl.protocol === 'https:'
  // User agents match the prefixes without regard to case (RFC 6265bis since draft 11), so __HOST- counts too.
  const lowerName = cookieName.toLowerCase()

  if (lowerName.startsWith('__host-')) {
    const problems: ConfigProblem[] = []
    if (!https) problems.push({ path, message: `is ${cookieName}; a __Host- cookie needs the Secure attribute, so publicUrl must be https` })
    if (cookieDomain !== undefined) problems.push({ path, message: `is ${cookieName}; a __Host- cookie cannot have a Domain attribute, so remove session.cookieDomain or use the __Secure- prefix` })
    return problems
  }
  if (lowerName.startsWith('__secure-') && !https) {
    return [{ path, message: `is ${cookieName}; a __Secure- cookie needs the Secure attribute, so publicUrl must be https` }]
  }
  return []
}

function checkRedirectDefault (config: Config): ConfigProblem[] {
  const target = config.defaultRedirectUrl
  if (target === undefined) return []

  const domain = config.session.cookieDomain ?? config.publicUrl.hostname
  const host = target.hostname
  if (host !== domain && !host.endsWith(`.${domain}`)) {
    return [{ path: 'defaultRedirectUrl', message: `is ${target.href}, whose host is outside ${domain}; the browser would arrive there without the session cookie. Use a URL under ${domain}` }]
  }
  return []
}

function checkUsers (config: Config): ConfigProblem[] {
  const seen = new Set<string>()
  const problems: ConfigProblem[] = []
  config.users.forEach((user, index) => {
    const key = user.login.toLowerCase()
    if (seen.has(key)) problems.push({ path: `users.${index}.login`, message: `is ${JSON.stringify(user.login)}, which is listed twice; keep one entry per login` })
    seen.add(key)
    if (user.factorId !== undefined && user.oktaUserId === undefined) {
      problems.push({ path: `users.${index}.factorId`, message: 'is set without oktaUserId; pin both ids, as pushgate enroll prints them, or neither' })
    }
  })
  return problems
}
