/**
 * Building the simulator's state from the seed users, and adding users to it.
 */
import { addPendingFactor, createDevice, startActivation } from './factors.ts'
import { seededFactorIdFor, userIdFor } from './ids.ts'
import { InputError } from './input.ts'
import type { SimFactor, SimState, SimUser, SimulatedUserInput, Stats } from './model.ts'
import { EVERYONE_GROUP_NAME, ensureGroup, findUserByLogin, setUserGroups } from './users.ts'

/** The admin that owns the API token; `GET /api/v1/users/me` returns this user. */
const ADMIN_USER: SimulatedUserInput = {
  login: 'sim-admin@example.com',
  firstName: 'Simulator',
  lastName: 'Admin',
  pushFactor: 'none'
}

export function createStats (): Stats {
  return { pushesReceived: { total: 0, byLogin: {} }, requests: { total: 0, byRoute: {} } }
}

/** Creates the state with the admin, the Everyone group and the seed users. Throws InputError on a duplicate login. */
export function createState (seed: readonly SimulatedUserInput[], now: number, activationLifetimeMs: number): SimState {
  const state: SimState = {
    users: new Map(),
    groups: new Map(),
    factors: new Map(),
    pushes: new Map(),
    outbox: [],
    stats: createStats(),
    adminUserId: userIdFor(ADMIN_USER.login)
  }
  ensureGroup(state, EVERYONE_GROUP_NAME, now)
  addUser(state, ADMIN_USER, now, activationLifetimeMs)
  for (const input of seed) addUser(state, input, now, activationLifetimeMs)
  return state
}

/** Adds a user and, unless `pushFactor` is `none`, a push factor. Returns both. */
export function addUser (state: SimState, input: SimulatedUserInput, now: number, activationLifetimeMs: number): { user: SimUser, factor?: SimFactor } {
  if (findUserByLogin(state, input.login) !== undefined) {
    throw new InputError(`A user with login ${JSON.stringify(input.login)} already exists; pick another login or POST /_sim/reset first`, 409)
  }

  const user = createUser(input, now)
  state.users.set(user.id, user)
  setUserGroups(state, user, input.groups ?? [], now)

  const seed = input.pushFactor ?? 'active'
  if (seed === 'none') return { user }

  const factor = addPendingFactor(state, user.id, seededFactorIdFor(user.login), now)
  if (seed === 'active') {
    factor.status = 'ACTIVE'
    factor.device = createDevice(user.deviceName)
  } else {
    startActivation(factor, now, activationLifetimeMs)
  }
  return { user, factor }
}

function createUser (input: SimulatedUserInput, now: number): SimUser {
  const localPart = input.login.split('@')[0]!
  const firstName = input.firstName ?? capitalize(localPart)
  const status = input.status ?? 'ACTIVE'
  return {
    id: userIdFor(input.login),
    login: input.login,
    email: input.email ?? (input.login.includes('@') ? input.login : `${input.login}@example.com`),
    firstName,
    lastName: input.lastName ?? 'Example',
    status,
    groupIds: [],
    deviceName: input.deviceName ?? `${firstName}'s iPhone`,
    created: now,
    activated: status === 'STAGED' ? null : now,
    statusChanged: now,
    lastUpdated: now,
    passwordChanged: now
  }
}

function capitalize (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
