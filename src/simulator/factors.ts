/**
 * Push factors and their activation: the QR code or link that Okta Verify opens to bind a phone.
 */
import { newActivationToken, randomBase64Url } from './ids.ts'
import type { Activation, Device, SimFactor, SimState } from './model.ts'

/** Okta Verify version reported in factor profiles. */
const OKTA_VERIFY_VERSION = '9.27.0'

/** Returns the user's push factor, whatever its status. A user has at most one. */
export function pushFactorOf (state: SimState, userId: string): SimFactor | undefined {
  return [...state.factors.values()].find((factor) => factor.userId === userId)
}

/**
 * Adds a push factor in PENDING_ACTIVATION without an activation. Seeded factors pass an id derived
 * from the login, so it survives restarts; factors enrolled through the API get a random one.
 */
export function addPendingFactor (state: SimState, userId: string, id: string, now: number): SimFactor {
  const factor: SimFactor = { id, userId, status: 'PENDING_ACTIVATION', created: now, lastUpdated: now, activationAttempts: [] }
  state.factors.set(id, factor)
  return factor
}

/** Returns an iPhone with Okta Verify and a fresh P-256 public key, as an ACTIVE factor's profile shows it. */
export function createDevice (name: string): Device {
  return {
    name,
    deviceType: 'SmartPhone_IPhone',
    platform: 'IOS',
    version: OKTA_VERIFY_VERSION,
    keys: [{
      kty: 'EC',
      use: 'sig',
      kid: 'default',
      'okta:kpr': 'HARDWARE',
      crv: 'P-256',
      x: randomBase64Url(32),
      y: randomBase64Url(32)
    }]
  }
}

/** Starts a new activation with a fresh token, replacing any earlier one. */
export function startActivation (factor: SimFactor, now: number, lifetimeMs: number): Activation {
  const activation = { token: newActivationToken(), createdAt: now, expiresAt: now + lifetimeMs }
  factor.activation = activation
  factor.lastUpdated = now
  return activation
}

export type ActivationResult = 'WAITING' | 'TIMEOUT' | 'ACTIVE'

/** Returns the state of the factor's activation at `now`. */
export function activationResult (factor: SimFactor, now: number): ActivationResult {
  if (factor.status === 'ACTIVE') return 'ACTIVE'
  if (factor.activation === undefined || now >= factor.activation.expiresAt) return 'TIMEOUT'
  return 'WAITING'
}

/** Binds the factor to a phone called `deviceName`, as a successful scan does. */
export function activateFactor (factor: SimFactor, deviceName: string, now: number): void {
  factor.status = 'ACTIVE'
  factor.device = createDevice(deviceName)
  factor.lastUpdated = now
  delete factor.activation
}

/** Finds the pending factor whose current activation has `token`, expired or not. */
export function findFactorByActivationToken (state: SimState, token: string): SimFactor | undefined {
  return [...state.factors.values()].find((factor) => factor.activation?.token === token)
}
