/**
 * The parts every route shares, built once from the configuration: the session sealer and cookie,
 * the redirect rule, proxy trust, and the URLs of pushgate's own pages.
 */
import { fastifyCookie } from '@fastify/cookie'
import proxyAddr from 'proxy-addr'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import type { Clock } from './clock.ts'
import type { Config } from './config/schema.ts'
import { createRedirectPolicy, type RedirectPolicy } from './http/redirect.ts'
import { sessionCookie, type SessionCookie } from './session/cookie-options.ts'
import { SessionSealer, type UnsealResult } from './session/sealer.ts'

/** Trust decisions are remembered for this many peer addresses; proxies are few, so this is plenty. */
const TRUST_CACHE_MAX_ENTRIES = 1024

/** Warnings about forged-looking forwarded headers repeat at most this often. */
const UNTRUSTED_WARNING_INTERVAL_MS = 60_000

export interface Gateway {
  config: Config
  clock: Clock
  sealer: SessionSealer
  cookie: SessionCookie
  redirects: RedirectPolicy
  /** pushgate's path prefix, from publicUrl: '' at the root, '/.pushgate' under a path. */
  basePath: string
  isTrustedProxy: (address: string | undefined) => boolean
  isAllowedLogin: (login: string) => boolean
  /** Reads the session cookie of `request`; any failure means "not signed in". */
  readSession: (request: FastifyRequest) => Promise<UnsealResult>
  /** The absolute URL of one of pushgate's own routes, such as `/login`. */
  publicUrlFor: (path: string) => URL
  /** The absolute login page URL, with `rd` set to `target` when known. */
  loginUrl: (target: URL | undefined) => string
  /** Logs, at most once a minute, that an untrusted caller sent forwarded headers. */
  warnUntrustedForwarding: (request: FastifyRequest) => void
}

/**
 * Longest encoded `rd` put into a Location header. nginx reads an auth subrequest's headers into
 * one buffer (proxy_buffer_size, 4 KiB by default on x86-64) and responds with 500 when they do not fit.
 */
export const MAX_ENCODED_RD_LENGTH = 2048

/**
 * Encodes `target` for `rd`, dropping its query and then its path when the result would be too
 * long: the person then lands on the same site rather than on an error page.
 */
function redirectParameter (target: URL): string | undefined {
  for (const candidate of [target.href, target.origin + target.pathname, target.origin + '/']) {
    const encoded = encodeURIComponent(candidate)
    if (encoded.length <= MAX_ENCODED_RD_LENGTH) return encoded
  }
  return undefined
}

/** Builds the shared parts for `config`. */
export function createGateway (config: Config, clock: Clock, log: FastifyBaseLogger): Gateway {
  const trust = proxyAddr.compile(config.server.trustedProxies)
  const trustByAddress = new Map<string, boolean>()
  const allowedLogins = new Set(config.users.map((user) => user.login.toLowerCase()))
  const sealer = new SessionSealer({ secrets: config.session.secrets, lifetimeMs: config.session.lifetimeMs, clock })
  const cookie = sessionCookie(config)
  const basePath = config.publicUrl.pathname.replace(/\/+$/, '')
  let lastUntrustedWarningMs = -Infinity

  const publicUrlFor = (path: string): URL => new URL(`${basePath}${path}`, config.publicUrl.origin)
  const loginPage = publicUrlFor('/login').href

  return {
    config,
    clock,
    sealer,
    cookie,
    redirects: createRedirectPolicy(config),
    basePath,
    isTrustedProxy (address) {
      if (address === undefined) return false
      let trusted = trustByAddress.get(address)
      if (trusted === undefined) {
        if (trustByAddress.size >= TRUST_CACHE_MAX_ENTRIES) trustByAddress.clear()
        trusted = trust(address, 0)
        trustByAddress.set(address, trusted)
      }
      return trusted
    },
    isAllowedLogin: (login) => allowedLogins.has(login.toLowerCase()),
    publicUrlFor,

    async readSession (request) {
      const header = request.headers.cookie
      const result = await sealer.unseal(header === undefined ? undefined : fastifyCookie.parse(header)[cookie.name])
      if (result.reason !== undefined && result.reason !== 'missing') {
        request.log.info({ reason: result.reason }, 'session cookie rejected')
      }
      return result
    },

    loginUrl (target) {
      const rd = target === undefined ? undefined : redirectParameter(target)
      return rd === undefined ? loginPage : `${loginPage}?rd=${rd}`
    },

    warnUntrustedForwarding (request) {
      const headers = request.headers
      const forwarded = headers['x-forwarded-host'] ?? headers['x-forwarded-uri'] ?? headers['x-original-url']
      if (forwarded === undefined) return
      const now = clock.now()
      if (now - lastUntrustedWarningMs < UNTRUSTED_WARNING_INTERVAL_MS) return
      lastUntrustedWarningMs = now
      request.log.warn(
        { remoteAddress: request.socket.remoteAddress },
        'ignored X-Forwarded-*/X-Original-* headers from an address outside server.trustedProxies; if this is your proxy, add its address or network there'
      )
    }
  }
}
