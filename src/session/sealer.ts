/**
 * Sealing and unsealing the session cookie with iron-session. The seal is encrypted and
 * authenticated with the highest-numbered secret; every configured secret can unseal, so secrets
 * can be rotated without signing everyone out.
 */
import { randomBytes } from 'node:crypto'
import { sealData, unsealData, type UnsealErrorReason } from 'iron-session'
import type { Clock } from '../clock.ts'

/** The contents of a session cookie. Times are milliseconds since the epoch. */
export interface SessionData {
  /** Format version, so a later change can tell old cookies apart. */
  version: 1
  /** Random id, new at every login, so a seal is never reused across logins. */
  id: string
  login: string
  email: string
  name: string
  groups: string[]
  issuedAtMs: number
  expiresAtMs: number
}

export type UnsealResult =
  | { session: SessionData, reason?: undefined }
  | { session?: undefined, reason: 'missing' | 'oversized' | 'malformed' | 'expired' | UnsealErrorReason }

/** Browsers keep cookies up to 4096 bytes (name, value and attributes); anything longer is forged. */
export const MAX_COOKIE_VALUE_BYTES = 4096

/** Group names kept in the cookie are capped at this many bytes of JSON, so the cookie stays well under 4 KB. */
export const MAX_GROUPS_JSON_BYTES = 1500

/** Display names are cut to this many UTF-8 bytes, for the same reason. */
export const MAX_NAME_BYTES = 200

/** Longer email addresses are left out, because RFC 5321 limits an address to 254 characters. */
export const MAX_EMAIL_BYTES = 254

/** Unsealed cookies are remembered for this long, so the authz check does not decrypt on every request. */
const CACHE_MAX_ENTRIES = 10_000

export interface SessionSealerOptions {
  secrets: Record<string, string>
  lifetimeMs: number
  clock: Clock
}

export class SessionSealer {
  readonly #secrets: Record<string, string>
  readonly #lifetimeMs: number
  readonly #clock: Clock
  readonly #cache = new Map<string, SessionData>()

  constructor (options: SessionSealerOptions) {
    this.#secrets = options.secrets
    this.#lifetimeMs = options.lifetimeMs
    this.#clock = options.clock
  }

  /** Builds a fresh session for a person who just approved a push. */
  createSession (identity: { login: string, email: string, name: string, groups: string[] }): { session: SessionData, groupsTruncated: boolean } {
    const now = this.#clock.now()
    const groups = capGroups(identity.groups)
    const session: SessionData = {
      version: 1,
      id: randomBytes(16).toString('base64url'),
      login: identity.login,
      email: Buffer.byteLength(identity.email) <= MAX_EMAIL_BYTES ? identity.email : '',
      name: truncateUtf8(identity.name, MAX_NAME_BYTES),
      groups,
      issuedAtMs: now,
      expiresAtMs: now + this.#lifetimeMs
    }
    return { session, groupsTruncated: groups.length < identity.groups.length }
  }

  /** Seals `session` for the cookie value. */
  async seal (session: SessionData): Promise<string> {
    return await sealData(session, { password: this.#secrets, ttl: this.#sealTtlSeconds() })
  }

  /**
   * Unseals a cookie value. Every failure (absent, oversized, tampered, sealed with an unknown
   * secret, expired, or not shaped like a session) comes back as a reason, never as an exception.
   */
  async unseal (value: string | undefined): Promise<UnsealResult> {
    if (value === undefined || value === '') return { reason: 'missing' }
    if (value.length > MAX_COOKIE_VALUE_BYTES) return { reason: 'oversized' }

    const cached = this.#cache.get(value)
    const session = cached ?? await this.#unsealUncached(value)
    if (typeof session === 'string') return { reason: session }

    if (session.expiresAtMs <= this.#clock.now()) {
      this.#cache.delete(value)
      return { reason: 'expired' }
    }
    if (cached === undefined) this.#remember(value, session)
    return { session }
  }

  async #unsealUncached (value: string): Promise<SessionData | UnsealErrorReason | 'malformed'> {
    let failure: UnsealErrorReason | undefined
    const data = await unsealData<unknown>(value, {
      password: this.#secrets,
      ttl: this.#sealTtlSeconds(),
      onUnsealError: (reason) => { failure = reason }
    })
    if (failure !== undefined) return failure
    return isSessionData(data) ? data : 'malformed'
  }

  #remember (value: string, session: SessionData): void {
    if (this.#cache.size >= CACHE_MAX_ENTRIES) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    this.#cache.set(value, session)
  }

  /**
   * iron's own expiry is a backstop one minute past ours: our clock decides, and the seal cannot
   * outlive the session even if the data inside were somehow wrong.
   */
  #sealTtlSeconds (): number {
    return Math.ceil(this.#lifetimeMs / 1000) + 60
  }
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
function truncateUtf8 (text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  let kept = ''
  let bytes = 0
  for (const character of text) {
    bytes += Buffer.byteLength(character)
    if (bytes > maxBytes) break
    kept += character
  }
  return kept
}

function capGroups (groups: string[]): string[] {
  const kept: string[] = []
  let bytes = 2
  for (const group of groups) {
    bytes += Buffer.byteLength(JSON.stringify(group)) + 1
    if (bytes > MAX_GROUPS_JSON_BYTES) break
    kept.push(group)
  }
  return kept
}

function isSessionData (data: unknown): data is SessionData {
  if (data === null || typeof data !== 'object') return false
  const candidate = data as Record<string, unknown>
  return candidate.version === 1 &&
    typeof candidate.id === 'string' &&
    typeof candidate.login === 'string' && candidate.login !== '' &&
    typeof candidate.email === 'string' &&
    typeof candidate.name === 'string' &&
    Array.isArray(candidate.groups) && candidate.groups.every((group) => typeof group === 'string') &&
    typeof candidate.issuedAtMs === 'number' &&
    typeof candidate.expiresAtMs === 'number'
}
