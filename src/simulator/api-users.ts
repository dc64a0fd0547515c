/**
 * `GET /api/v1/users/{idOrLogin}` and `GET /api/v1/users/{idOrLogin}/groups`.
 */
import type { FastifyInstance } from 'fastify'
import { apiRoute } from './api-plugin.ts'
import { param, requireUser } from './api-lookup.ts'
import type { SimulatorContext } from './context.ts'
import { validationFailed } from './okta-errors.ts'
import { groupView, userEtag, userView } from './user-views.ts'
import { groupsOf } from './users.ts'

/** The largest page of groups Okta returns, and the size of a page when `limit` is not given. */
const MAX_GROUPS_PAGE = 200

export function registerUserRoutes (api: FastifyInstance, context: SimulatorContext): void {
  apiRoute(api, '/users/:idOrLogin', {
    GET: async (request, reply) => {
      const user = requireUser(context, param(request, 'idOrLogin'))
      reply.header('etag', userEtag(user))
      return userView(context.orgUrl(request), user)
    }
  })

  apiRoute(api, '/users/:idOrLogin/groups', {
    GET: async (request, reply) => {
      const user = requireUser(context, param(request, 'idOrLogin'))
      const query = request.query as Record<string, string | undefined>
      const limit = parseLimit(query.limit)
      const after = query.after

      const following = groupsOf(context.state, user).filter((group) => after === undefined || group.id > after)
      const page = following.slice(0, limit)
      const orgUrl = context.orgUrl(request)
      const base = `${orgUrl}/api/v1/users/${user.id}/groups`

      const self = after === undefined ? `${base}?limit=${limit}` : `${base}?after=${encodeURIComponent(after)}&limit=${limit}`
      const links = [`<${self}>; rel="self"`]
      const last = page.at(-1)
      if (following.length > limit && last !== undefined) links.push(`<${base}?after=${last.id}&limit=${limit}>; rel="next"`)
      reply.header('link', links)
      return page.map((group) => groupView(orgUrl, group))
    }
  })
}

/** Okta caps `limit` at 200; a value that is not a positive integer is rejected. */
function parseLimit (text: string | undefined): number {
  if (text === undefined) return MAX_GROUPS_PAGE
  if (!/^\d+$/.test(text) || Number(text) === 0) {
    throw validationFailed('limit', `limit is ${JSON.stringify(text)}; it must be a positive integer (at most ${MAX_GROUPS_PAGE})`)
  }
  return Math.min(Number(text), MAX_GROUPS_PAGE)
}
