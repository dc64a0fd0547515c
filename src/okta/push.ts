/**
 * Okta Verify push challenges: send (verify), poll, cancel. Okta documents WAITING, SUCCESS,
 * REJECTED and TIMEOUT for push polls; any other result is treated as a failure, never as success.
 */
import { isIP } from 'node:net'
import { OktaBadResponseError } from './errors.ts'
import { parseJsonBody, type CallSite, type OktaCall, type OktaHttp } from './http.ts'
import { readInteger, readPath, readString, readTimeMs } from './json.ts'
import { readLink } from './links.ts'
import type { PushChallenge, PushOutcome, PushStatus, VerifyPushOptions } from './types.ts'

const OUTCOMES = new Map<string, PushOutcome>([
  ['WAITING', 'waiting'],
  ['SUCCESS', 'approved'],
  ['REJECTED', 'denied'],
  ['TIMEOUT', 'timed_out'],
  ['CANCELLED', 'cancelled']
])

/** Maps Okta's `factorResult` to an outcome. Matching is exact (`success` is not SUCCESS); anything unknown is `failed`. */
export function pushOutcome (factorResult: string): PushOutcome {
  return OUTCOMES.get(factorResult) ?? 'failed'
}

/** True when the push has ended without approval (denied, timed out, cancelled or failed). */
export function isPushFailure (outcome: PushOutcome): boolean {
  return outcome !== 'waiting' && outcome !== 'approved'
}

/**
 * Sends a push to the factor. The browser's User-Agent and IP go along so Okta Verify can show
 * where the sign-in comes from. Okta returns 201 Created for a push, and any other status throws.
 * The call is never retried, because a retry would send a second push.
 */
export async function verifyPush (http: OktaHttp, userId: string, factorId: string, options: VerifyPushOptions): Promise<PushChallenge> {
  const call: OktaCall = {
    method: 'POST',
    url: http.url('users', userId, 'factors', factorId, 'verify'),
    rel: 'verify',
    expect: [201],
    headers: contextHeaders(options)
  }
  // Number matching is a body field; there is no query parameter for it.
  if (options.numberChallenge) call.json = { useNumberMatchingChallenge: true }

  return await http.request(call, (response, site) => {
    const status = parsePushStatus(parseJsonBody(response, site), site, http.orgUrl)
    if (status.pollUrl === undefined) throw new OktaBadResponseError({ ...site, reason: 'the push challenge has no poll link' })
    return { ...status, pollUrl: status.pollUrl }
  })
}

/** Polls a push through the `poll` link from verifyPush or from the previous poll. */
export async function pollPush (http: OktaHttp, pollUrl: string): Promise<PushStatus> {
  const call = { method: 'GET', url: pollUrl, rel: 'poll', expect: [200] } as const
  return await http.request(call, (response, site) => parsePushStatus(parseJsonBody(response, site), site, http.orgUrl))
}

/**
 * Cancels a waiting push through its `cancel` link (DELETE). Okta does not document the status,
 * so 200, 202 and 204 are accepted, and 404 too: the push is already gone.
 */
export async function cancelPush (http: OktaHttp, cancelUrl: string): Promise<void> {
  const call = { method: 'DELETE', url: cancelUrl, rel: 'cancel', expect: [200, 202, 204, 404] } as const
  await http.request(call, () => undefined)
}

/** Parses a verify or poll response. `factorResult` is required, and links are origin-checked. */
export function parsePushStatus (body: unknown, site: CallSite, orgUrl: URL): PushStatus {
  const result = readString(body, 'factorResult')
  if (result === undefined) throw new OktaBadResponseError({ ...site, reason: 'the response has no factorResult' })

  const status: PushStatus = { result, outcome: pushOutcome(result) }
  const links = readPath(body, '_links')
  const pollUrl = readLink(links, 'poll', orgUrl)
  const cancelUrl = readLink(links, 'cancel', orgUrl)
  const expiresAt = readTimeMs(body, 'expiresAt')
  const correctAnswer = readInteger(body, '_embedded', 'challenge', 'correctAnswer')
  if (pollUrl !== undefined) status.pollUrl = pollUrl
  if (cancelUrl !== undefined) status.cancelUrl = cancelUrl
  if (expiresAt !== undefined) status.expiresAt = expiresAt
  if (correctAnswer !== undefined) status.correctAnswer = correctAnswer
  return status
}

/** Characters undici refuses in a header value (it allows tab, visible ASCII and 0x80–0xFF). */
const INVALID_HEADER_CHARACTERS = /[^\t\x20-\x7e\x80-\xff]/g

function contextHeaders (options: VerifyPushOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  if (options.clientIp !== undefined) {
    if (isIP(options.clientIp) === 0) {
      throw new TypeError(`verifyPush clientIp ${JSON.stringify(options.clientIp)} is not an IP address; pass the browser's address`)
    }
    headers['x-forwarded-for'] = options.clientIp
  }
  const userAgent = options.userAgent.replace(INVALID_HEADER_CHARACTERS, '').trim()
  if (userAgent !== '') headers['user-agent'] = userAgent
  return headers
}
