/**
 * Users and their groups: `GET /api/v1/users/{idOrLogin}` and `GET /api/v1/users/{id}/groups`.
 */
import { OktaBadResponseError } from './errors.ts'
import { parseJsonBody, type CallSite, type OktaHttp, type OktaResponse } from './http.ts'
import { readString } from './json.ts'
import { findNextLink } from './links.ts'
import type { OktaUser } from './types.ts'

/** Groups asked for per page; 200 is Okta's maximum for this endpoint. */
const GROUPS_PAGE_SIZE = 200
/** Pages read at most (10,000 groups); a longer chain is treated as a broken or looping response. */
export const MAX_GROUP_PAGES = 50

/**
 * Fetches a user by id, login or unambiguous short login. Okta returns 404 `E0000007` for an
 * unknown user (see isOktaNotFound). `me` is the admin behind the API token, so callers must
 * check a login against their own list of users before looking it up.
 */
export async function getUser (http: OktaHttp, idOrLogin: string): Promise<OktaUser> {
  const call = { method: 'GET', url: http.url('users', idOrLogin), rel: 'user', expect: [200] } as const
  return await http.request(call, (response, site) => parseUser(parseJsonBody(response, site), site))
}

/** Parses an Okta user object; `id`, `status` and `profile.login` are required. */
export function parseUser (body: unknown, site: CallSite): OktaUser {
  const id = readString(body, 'id')
  const status = readString(body, 'status')
  const login = readString(body, 'profile', 'login')
  if (id === undefined || status === undefined || login === undefined) {
    throw new OktaBadResponseError({ ...site, reason: 'the user has no id, status or profile.login' })
  }

  const user: OktaUser = { id, status, login, displayName: login }
  const email = readString(body, 'profile', 'email')
  const firstName = readString(body, 'profile', 'firstName')
  const lastName = readString(body, 'profile', 'lastName')
  if (email !== undefined) user.email = email
  if (firstName !== undefined) user.firstName = firstName
  if (lastName !== undefined) user.lastName = lastName

  const fullName = [firstName, lastName].filter((part) => part !== undefined).join(' ')
  user.displayName = readString(body, 'profile', 'displayName') ?? (fullName === '' ? login : fullName)
  return user
}

/**
 * Lists the names (`profile.name`) of the groups `userId` belongs to, following the `Link`
 * header's `next` page. Throws OktaBadResponseError rather than return a partial list when the
 * pages go on past MAX_GROUP_PAGES, because a missing group could change an access decision.
 */
export async function listGroupNames (http: OktaHttp, userId: string): Promise<string[]> {
  const first = http.url('users', userId, 'groups')
  first.searchParams.set('limit', String(GROUPS_PAGE_SIZE))

  const names: string[] = []
  let next: string | undefined = first.href
  for (let page = 1; next !== undefined; page++) {
    const call = { method: 'GET', url: next, rel: page === 1 ? 'groups' : 'next', expect: [200] } as const
    const result: GroupPage = await http.request(call, (response, site) => parseGroupPage(response, site, page))
    names.push(...result.names)
    next = result.next
  }
  return names
}

interface GroupPage {
  names: string[]
  next: string | undefined
}

function parseGroupPage (response: OktaResponse, site: CallSite, page: number): GroupPage {
  const body = parseJsonBody(response, site)
  if (!Array.isArray(body)) throw new OktaBadResponseError({ ...site, reason: 'the group list is not an array' })

  const names = body.map((group) => readString(group, 'profile', 'name')).filter((name) => name !== undefined)
  const next = findNextLink(response.headers.link)
  if (next !== undefined && page >= MAX_GROUP_PAGES) {
    throw new OktaBadResponseError({ ...site, reason: `the group list has more than ${MAX_GROUP_PAGES} pages` })
  }
  return { names, next }
}
