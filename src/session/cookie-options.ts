/**
 * Set-Cookie attributes for the session cookie, derived once from the configuration. The session
 * cookie covers the cookie domain (or publicUrl's host when none is set) and every path.
 */
import type { CookieSerializeOptions } from '@fastify/cookie'
import type { Config } from '../config/schema.ts'

export interface SessionCookie {
  name: string
  /** Attributes for a cookie that lives `lifetimeMs`. */
  setOptions: CookieSerializeOptions
  /** Attributes that make the browser drop the cookie. */
  clearOptions: CookieSerializeOptions
}

/** Builds the session cookie's name and attributes from the configuration. */
export function sessionCookie (config: Config): SessionCookie {
  const base: CookieSerializeOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.protocol === 'https:'
  }
  if (config.session.cookieDomain !== undefined) base.domain = config.session.cookieDomain

  return {
    name: config.session.cookieName,
    setOptions: { ...base, maxAge: Math.floor(config.session.lifetimeMs / 1000) },
    clearOptions: { ...base, maxAge: 0, expires: new Date(0) }
  }
}
