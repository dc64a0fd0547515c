/**
 * Cookies that stay on pushgate's own host (no Domain attribute) and path: the flow id that binds
 * a pending push to the browser that started it, the CSRF secret, and the remembered login.
 * They get the `__Host-` prefix when publicUrl is https at the root, so no sibling subdomain can
 * plant them.
 */
import { randomBytes } from 'node:crypto'
import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Gateway } from '../gateway.ts'

/** The remembered login is kept for 30 days. */
const REMEMBERED_LOGIN_SECONDS = 30 * 24 * 3600

export interface BrowserCookies {
  flowName: string
  csrfName: string
  loginName: string
  /** Attributes shared by the three cookies. */
  options: CookieSerializeOptions
  /** The browser's flow id, set on the reply when the request had none. */
  ensureFlowId: (request: FastifyRequest, reply: FastifyReply) => string
  /** The browser's flow id, or undefined without a well-formed one. */
  flowId: (request: FastifyRequest) => string | undefined
  /** A new random flow id, not yet sent; setFlowId sends it. */
  createFlowId: () => string
  setFlowId: (reply: FastifyReply, flowId: string) => void
  rememberLogin: (reply: FastifyReply, login: string) => void
  rememberedLogin: (request: FastifyRequest) => string | undefined
}

const FLOW_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** Builds the host-only cookies for `gateway`'s publicUrl. */
export function browserCookies (gateway: Gateway): BrowserCookies {
  const secure = gateway.config.publicUrl.protocol === 'https:'
  const prefix = secure && gateway.basePath === '' ? '__Host-' : ''
  const options: CookieSerializeOptions = {
    path: gateway.basePath === '' ? '/' : gateway.basePath,
    httpOnly: true,
    secure,
    sameSite: 'strict'
  }
  const flowName = `${prefix}pushgate_flow`
  const loginName = `${prefix}pushgate_login`

  return {
    flowName,
    csrfName: `${prefix}pushgate_csrf`,
    loginName,
    options,

    flowId (request) {
      const value = request.cookies[flowName]
      return value !== undefined && FLOW_ID_PATTERN.test(value) ? value : undefined
    },

    ensureFlowId (request, reply) {
      const existing = this.flowId(request)
      if (existing !== undefined) return existing
      const fresh = this.createFlowId()
      this.setFlowId(reply, fresh)
      return fresh
    },

    createFlowId: () => randomBytes(32).toString('base64url'),

    setFlowId (reply, flowId) {
      reply.setCookie(flowName, flowId, options)
    },

    rememberLogin (reply, login) {
      reply.setCookie(loginName, login, { ...options, sameSite: 'lax', maxAge: REMEMBERED_LOGIN_SECONDS })
    },

    rememberedLogin (request) {
      const value = request.cookies[loginName]
      return value !== undefined && value.length <= 256 ? value : undefined
    }
  }
}
