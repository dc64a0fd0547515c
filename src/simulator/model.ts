/**
 * The simulator's data model. Times are milliseconds since the Unix epoch, read from the injected
 * clock, and the API views turn them into ISO-8601 strings.
 */

export const USER_STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'SUSPENDED', 'DEPROVISIONED'] as const
export type UserStatus = typeof USER_STATUSES[number]

export const PUSH_FACTOR_SEEDS = ['active', 'pending', 'none'] as const
export type PushFactorSeed = typeof PUSH_FACTOR_SEEDS[number]

/** A user to create, in the seed or through `POST /_sim/users`. */
export interface SimulatedUserInput {
  login: string
  /** Defaults to the login when the login is an email address. */
  email?: string
  firstName?: string
  lastName?: string
  /** Default `ACTIVE`. */
  status?: UserStatus
  /** Group names; each user is also in the built-in Everyone group. */
  groups?: string[]
  /** Default `active`: an Okta Verify push factor that can be verified right away. */
  pushFactor?: PushFactorSeed
  /** The phone's name in the factor profile. Default `<firstName>'s iPhone`. */
  deviceName?: string
}

export interface SimUser {
  id: string
  login: string
  email: string
  firstName: string
  lastName: string
  status: UserStatus
  groupIds: string[]
  deviceName: string
  created: number
  activated: number | null
  statusChanged: number
  lastUpdated: number
  passwordChanged: number
}

export interface SimGroup {
  id: string
  name: string
  description: string
  type: 'BUILT_IN' | 'OKTA_GROUP'
  created: number
}

/** The phone an ACTIVE push factor is bound to, as `profile` shows it. */
export interface Device {
  name: string
  deviceType: string
  platform: string
  version: string
  /** Public key of the Okta Verify enrollment, a JWK. */
  keys: Array<Record<string, string>>
}

/** One activation of a pending push factor: the QR code or emailed link that Okta Verify opens. */
export interface Activation {
  token: string
  createdAt: number
  expiresAt: number
}

export type FactorStatus = 'ACTIVE' | 'PENDING_ACTIVATION'

export interface SimFactor {
  id: string
  userId: string
  status: FactorStatus
  created: number
  lastUpdated: number
  /** Set once the factor is ACTIVE. */
  device?: Device
  /** The current activation while PENDING_ACTIVATION. It stays after expiry until a new one starts. */
  activation?: Activation
  /** Times of activation attempts, for the 5-per-5-minutes limit. */
  activationAttempts: number[]
}

export const PUSH_STATES = ['WAITING', 'SUCCESS', 'REJECTED', 'TIMEOUT', 'CANCELLED'] as const
export type PushState = typeof PUSH_STATES[number]

export interface NumberChallenge {
  correctAnswer: number
  /** The three numbers Okta Verify shows, the correct one among them, in display order. */
  choices: number[]
}

/** A push sent to the phone by `POST …/verify`: one Factors API transaction. */
export interface PushTransaction {
  id: string
  userId: string
  factorId: string
  state: PushState
  createdAt: number
  expiresAt: number
  challenge?: NumberChallenge
  userAgent: string
  clientIp: string
}

/** An activation link "sent" to the user. Nothing leaves the simulator. */
export interface OutboxMessage {
  id: string
  channel: 'email' | 'sms'
  to: string
  userId: string
  login: string
  factorId: string
  subject: string
  /** The link Okta Verify would open: the same text as the QR code, accepted by `POST /_sim/scan`. */
  activationLink: string
  sentAt: number
}

export interface Stats {
  pushesReceived: { total: number, byLogin: Record<string, number> }
  requests: { total: number, byRoute: Record<string, number> }
}

export interface SimState {
  users: Map<string, SimUser>
  groups: Map<string, SimGroup>
  factors: Map<string, SimFactor>
  pushes: Map<string, PushTransaction>
  outbox: OutboxMessage[]
  stats: Stats
  /** The user that `GET /api/v1/users/me` returns: the admin behind the API token. */
  adminUserId: string
}
