/**
 * A user's enrolled factors: list, read, find the active Okta Verify push, and delete. The factor
 * routes take the user id; whether a login works there is not documented.
 */
import { OktaBadResponseError } from './errors.ts'
import { parseJsonBody, type CallSite, type OktaHttp } from './http.ts'
import { readString, readTimeMs } from './json.ts'
import type { OktaFactor, PushDevice } from './types.ts'

/** Lists every factor of `userId`, in any status. Entries without id, type, provider or status are skipped. */
export async function listFactors (http: OktaHttp, userId: string): Promise<OktaFactor[]> {
  const call = { method: 'GET', url: http.url('users', userId, 'factors'), rel: 'factors', expect: [200] } as const
  return await http.request(call, (response, site) => {
    const body = parseJsonBody(response, site)
    if (!Array.isArray(body)) throw new OktaBadResponseError({ ...site, reason: 'the factor list is not an array' })
    return body.map(readFactor).filter((factor) => factor !== undefined)
  })
}

/** Fetches one factor of `userId`. */
export async function getFactor (http: OktaHttp, userId: string, factorId: string): Promise<OktaFactor> {
  const call = { method: 'GET', url: http.url('users', userId, 'factors', factorId), rel: 'factor', expect: [200] } as const
  return await http.request(call, (response, site) => parseFactor(parseJsonBody(response, site), site))
}

/**
 * Returns the user's ACTIVE Okta Verify push factor (`push`, provider `OKTA`), or undefined.
 * In Identity Engine orgs Okta hides factors that the enrollment policy does not allow for the
 * caller's network zone, so a missing factor may also mean a policy filtered it out.
 */
export async function findActivePushFactor (http: OktaHttp, userId: string): Promise<OktaFactor | undefined> {
  const factors = await listFactors(http, userId)
  return factors.find((factor) => factor.factorType === 'push' && factor.provider === 'OKTA' && factor.status === 'ACTIVE')
}

/**
 * Deletes (unenrolls) a factor. Removing `push` also removes the user's Okta Verify TOTP and
 * FastPass enrollments.
 */
export async function deleteFactor (http: OktaHttp, userId: string, factorId: string): Promise<void> {
  const call = { method: 'DELETE', url: http.url('users', userId, 'factors', factorId), rel: 'factor', expect: [200, 204] } as const
  await http.request(call, () => undefined)
}

/** Parses a factor object; throws OktaBadResponseError when a required field is missing. */
export function parseFactor (body: unknown, site: CallSite): OktaFactor {
  const factor = readFactor(body)
  if (factor === undefined) throw new OktaBadResponseError({ ...site, reason: 'the factor has no id, factorType, provider or status' })
  return factor
}

function readFactor (body: unknown): OktaFactor | undefined {
  const id = readString(body, 'id')
  const factorType = readString(body, 'factorType')
  const provider = readString(body, 'provider')
  const status = readString(body, 'status')
  if (id === undefined || factorType === undefined || provider === undefined || status === undefined) return undefined

  const factor: OktaFactor = { id, factorType, provider, status }
  const vendorName = readString(body, 'vendorName')
  const createdAt = readTimeMs(body, 'created')
  const device = readDevice(body)
  if (vendorName !== undefined) factor.vendorName = vendorName
  if (createdAt !== undefined) factor.createdAt = createdAt
  if (device !== undefined) factor.device = device
  return factor
}

const DEVICE_FIELDS = ['credentialId', 'deviceType', 'name', 'platform', 'version'] as const

/** Reads the push factor's `profile`; undefined when it has none of the device fields. */
function readDevice (body: unknown): PushDevice | undefined {
  const device: PushDevice = {}
  for (const field of DEVICE_FIELDS) {
    const value = readString(body, 'profile', field)
    if (value !== undefined) device[field] = value
  }
  return Object.keys(device).length === 0 ? undefined : device
}
