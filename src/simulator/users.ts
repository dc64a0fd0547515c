/**
 * Finding and changing users and their groups.
 */
import { groupIdFor } from './ids.ts'
import type { SimGroup, SimState, SimUser, UserStatus } from './model.ts'

/** Okta's built-in group that every user belongs to. */
export const EVERYONE_GROUP_NAME = 'Everyone'

/**
 * Finds a user the way `GET /api/v1/users/{idOrLogin}` does: by id, by login (case-insensitive), by
 * short login (the part before `@`) when only one user has it, or `me` for the admin behind the token.
 */
export function findUser (state: SimState, idOrLogin: string): SimUser | undefined {
  if (idOrLogin === 'me') return state.users.get(state.adminUserId)

  const byId = state.users.get(idOrLogin)
  if (byId !== undefined) return byId

  // Okta fetches logins that contain a slash only by id.
  if (idOrLogin.includes('/')) return undefined

  const byLogin = findUserByLogin(state, idOrLogin)
  if (byLogin !== undefined) return byLogin

  const target = idOrLogin.toLowerCase()
  const byShortLogin = [...state.users.values()].filter((user) => shortLogin(user.login) === target)
  return byShortLogin.length === 1 ? byShortLogin[0] : undefined
}

/** Finds a user by exact login, ignoring case. */
export function findUserByLogin (state: SimState, login: string): SimUser | undefined {
  const target = login.toLowerCase()
  return [...state.users.values()].find((user) => user.login.toLowerCase() === target)
}

function shortLogin (login: string): string {
  return login.split('@')[0]!.toLowerCase()
}

/** Returns the group called `name`, creating it if needed. */
export function ensureGroup (state: SimState, name: string, now: number): SimGroup {
  const id = groupIdFor(name)
  const existing = state.groups.get(id)
  if (existing !== undefined) return existing

  const builtIn = name === EVERYONE_GROUP_NAME
  const group: SimGroup = {
    id,
    name,
    description: builtIn ? 'All users in your organization' : '',
    type: builtIn ? 'BUILT_IN' : 'OKTA_GROUP',
    created: now
  }
  state.groups.set(id, group)
  return group
}

/** Returns the user's groups ordered by id, the order that the `after` cursor pages through. */
export function groupsOf (state: SimState, user: SimUser): SimGroup[] {
  return user.groupIds
    .map((id) => state.groups.get(id))
    .filter((group) => group !== undefined)
    .sort(compareIds)
}

/** Orders by code point, the same comparison the `after` cursor uses. */
function compareIds (a: SimGroup, b: SimGroup): number {
  if (a.id < b.id) return -1
  if (a.id > b.id) return 1
  return 0
}

/** Replaces the user's groups with `names`. Membership of Everyone stays. */
export function setUserGroups (state: SimState, user: SimUser, names: readonly string[], now: number): void {
  const everyone = ensureGroup(state, EVERYONE_GROUP_NAME, now)
  const ids = new Set([everyone.id, ...names.map((name) => ensureGroup(state, name, now).id)])
  user.groupIds = [...ids]
  user.lastUpdated = now
}

/** Changes the user's status and the timestamps that go with it. */
export function setUserStatus (user: SimUser, status: UserStatus, now: number): void {
  if (user.status === status) return

  user.status = status
  user.statusChanged = now
  user.lastUpdated = now
  if (status !== 'STAGED' && user.activated === null) user.activated = now
}
