/**
 * Validation of the JSON bodies that the control API and the seed accept. Each check throws an
 * InputError whose message names the field, the value and what to send instead.
 */
import { PUSH_FACTOR_SEEDS, USER_STATUSES, type SimulatedUserInput, type UserStatus } from './model.ts'

/** A control-API request that the simulator cannot carry out. `statusCode` is 400, 404, 409 or 410. */
export class InputError extends Error {
  readonly statusCode: number

  constructor (message: string, statusCode = 400) {
    super(message)
    this.name = 'InputError'
    this.statusCode = statusCode
  }
}

type Body = Record<string, unknown>

/** Returns `body` as an object, or throws when it is missing or not a JSON object. */
export function requireObject (body: unknown, label: string): Body {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError(`${label} must be a JSON object`)
  }
  return body as Body
}

function optionalString (body: Body, key: string): string | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') throw new InputError(`${key} is ${JSON.stringify(value)}; it must be a non-empty string`)
  return value
}

function optionalOneOf<T extends string> (body: Body, key: string, allowed: readonly T[]): T | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (!allowed.includes(value as T)) throw new InputError(`${key} is ${JSON.stringify(value)}; it must be one of ${allowed.join(', ')}`)
  return value as T
}

function optionalStringList (body: Body, key: string): string[] | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    throw new InputError(`${key} is ${JSON.stringify(value)}; it must be a list of non-empty strings`)
  }
  return value as string[]
}

/** Validates a user to create: `login` is required, every other field optional. */
export function parseUserInput (raw: unknown): SimulatedUserInput {
  const body = requireObject(raw, 'The user')
  const login = optionalString(body, 'login')
  if (login === undefined) throw new InputError('login is missing; send the user\'s login, such as "alice@example.com"')
  if (/\s/.test(login)) throw new InputError(`login is ${JSON.stringify(login)}; it must not contain spaces`)

  const input: SimulatedUserInput = { login }
  const email = optionalString(body, 'email')
  const firstName = optionalString(body, 'firstName')
  const lastName = optionalString(body, 'lastName')
  const status = optionalOneOf(body, 'status', USER_STATUSES)
  const groups = optionalStringList(body, 'groups')
  const pushFactor = optionalOneOf(body, 'pushFactor', PUSH_FACTOR_SEEDS)
  const deviceName = optionalString(body, 'deviceName')
  if (email !== undefined) input.email = email
  if (firstName !== undefined) input.firstName = firstName
  if (lastName !== undefined) input.lastName = lastName
  if (status !== undefined) input.status = status
  if (groups !== undefined) input.groups = groups
  if (pushFactor !== undefined) input.pushFactor = pushFactor
  if (deviceName !== undefined) input.deviceName = deviceName
  return input
}

export interface UserPatch {
  status?: UserStatus
  groups?: string[]
}

/** Validates the body of `PATCH /_sim/users/{login}`. */
export function parseUserPatch (raw: unknown): UserPatch {
  const body = requireObject(raw, 'The change')
  const patch: UserPatch = {}
  const status = optionalOneOf(body, 'status', USER_STATUSES)
  const groups = optionalStringList(body, 'groups')
  if (status !== undefined) patch.status = status
  if (groups !== undefined) patch.groups = groups
  return patch
}

/** Validates the optional `answer` of an approval: the number the user taps. */
export function parseAnswer (raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined

  const body = requireObject(raw, 'The approval')
  const value = body.answer
  if (value === undefined) return undefined
  const answer = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof answer !== 'number' || !Number.isInteger(answer)) {
    throw new InputError(`answer is ${JSON.stringify(value)}; it must be an integer, the number the user taps`)
  }
  return answer
}

/** Validates `POST /_sim/scan`: the text of the QR code or activation link, and an optional phone name. */
export function parseScan (raw: unknown): { content: string, deviceName?: string } {
  const body = requireObject(raw, 'The scan')
  const content = optionalString(body, 'content')
  if (content === undefined) throw new InputError('content is missing; send the text decoded from the QR code or the activation link')

  const deviceName = optionalString(body, 'deviceName')
  return deviceName === undefined ? { content } : { content, deviceName }
}
