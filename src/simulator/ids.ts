/**
 * Identifiers in the shapes Okta uses. User, group and seeded factor ids are derived from the login
 * or group name, so a restarted simulator hands out the same ids and a configuration that pins them
 * keeps working. Everything else is random.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** Okta ids are 20 characters: a 3-character prefix such as `00u` and 17 base-62 characters. */
const ID_BODY_LENGTH = 17

function randomBase62 (length: number): string {
  let text = ''
  for (let i = 0; i < length; i++) text += BASE62[randomInt(BASE62.length)]
  return text
}

function derivedBase62 (seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest()
  let text = ''
  for (let i = 0; i < length; i++) text += BASE62[digest[i]! % BASE62.length]
  return text
}

/** Returns the user id for `login`, such as `00u4kXb0mC8vJ2zQa1Rd`. Logins compare case-insensitively. */
export function userIdFor (login: string): string {
  return '00u' + derivedBase62(`user:${login.toLowerCase()}`, ID_BODY_LENGTH)
}

/** Returns the group id for the group called `name`. */
export function groupIdFor (name: string): string {
  return '00g' + derivedBase62(`group:${name}`, ID_BODY_LENGTH)
}

/** Returns the id of the push factor seeded for `login`, stable across restarts. */
export function seededFactorIdFor (login: string): string {
  return 'opf' + derivedBase62(`factor:${login.toLowerCase()}`, ID_BODY_LENGTH)
}

/** Returns a fresh push factor id, for factors enrolled through the API. */
export function newFactorId (): string {
  return 'opf' + randomBase62(ID_BODY_LENGTH)
}

/** Returns the id of the user type every simulated user has. */
export function userTypeId (): string {
  return 'oty' + derivedBase62('type:default', ID_BODY_LENGTH)
}

/** Returns a push transaction id: `v2mst.` and 22 url-safe characters, as current Okta sends. */
export function newTransactionId (): string {
  return 'v2mst.' + randomBytes(16).toString('base64url')
}

/** Returns an opaque activation token for the QR code and activation links (20 url-safe characters). */
export function newActivationToken (): string {
  return randomBytes(15).toString('base64url')
}

/** Returns an `errorId` such as Okta puts in error bodies: `oae` and 22 base-62 characters. */
export function newErrorId (): string {
  return 'oae' + randomBase62(22)
}

/** Returns an `X-Okta-Request-Id` value (27 url-safe characters). */
export function newRequestId (): string {
  return randomBytes(20).toString('base64url')
}

/** Returns an id for a simulated email or SMS. */
export function newMessageId (): string {
  return 'msg' + randomBase62(ID_BODY_LENGTH)
}

/** Returns a random unsigned base64url string of `bytes` bytes, for fake key material. */
export function randomBase64Url (bytes: number): string {
  return randomBytes(bytes).toString('base64url')
}
