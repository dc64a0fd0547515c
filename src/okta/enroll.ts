/**
 * Enrolling an Okta Verify push factor, for `pushgate enroll`: create the factor, show its QR code
 * (or send an activation link), poll until the person has scanned it, and restart an expired
 * activation. Activation polls are POST requests, so they are never retried automatically.
 */
import { OktaBadResponseError } from './errors.ts'
import { parseFactor } from './factors.ts'
import { parseJsonBody, type CallSite, type OktaHttp } from './http.ts'
import { asObject, readPath, readString, readTimeMs } from './json.ts'
import { readLink, readNamedLinks } from './links.ts'
import type { ActivationSendLinks, ActivationState, ActivationWaiting, PushEnrollment } from './types.ts'

/** The first bytes of every PNG file (PNG specification, section 5.2). */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * Enrolls a push factor for `userId`. Okta documents 200 with the factor in PENDING_ACTIVATION;
 * 201 is accepted too, as the usual status of a create. Enrolling a second push for a user who
 * already has one is not documented (Okta returns 400 `E0000001` for other factor types).
 */
export async function enrollPush (http: OktaHttp, userId: string): Promise<PushEnrollment> {
  const call = {
    method: 'POST',
    url: http.url('users', userId, 'factors'),
    rel: 'factors',
    expect: [200, 201],
    json: { factorType: 'push', provider: 'OKTA' }
  } as const
  return await http.request(call, (response, site) => parseEnrollment(parseJsonBody(response, site), site, http.orgUrl))
}

/**
 * Polls an activation through its `poll` link (POST). Okta's enrollment response ends this link in
 * `/lifecycle/activate/poll` while its activate example uses `/lifecycle/activate`; whichever
 * link Okta sent is followed.
 */
export async function pollActivation (http: OktaHttp, pollUrl: string): Promise<ActivationState> {
  const call = { method: 'POST', url: pollUrl, rel: 'poll', expect: [200] } as const
  return await http.request(call, (response, site) => parseActivationState(parseJsonBody(response, site), site, http.orgUrl))
}

/** Restarts an expired activation through the `activate` link of a TIMEOUT response. */
export async function restartActivation (http: OktaHttp, activateUrl: string): Promise<ActivationState> {
  const call = { method: 'POST', url: activateUrl, rel: 'activate', expect: [200] } as const
  return await http.request(call, (response, site) => parseActivationState(parseJsonBody(response, site), site, http.orgUrl))
}

/** Downloads the activation QR code as PNG bytes. The request carries the API token. */
export async function fetchQrCode (http: OktaHttp, qrcodeUrl: string): Promise<Buffer> {
  const call = { method: 'GET', url: qrcodeUrl, rel: 'qrcode', expect: [200], accept: 'image/png' } as const
  return await http.request(call, (response, site) => {
    if (!response.body.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
      throw new OktaBadResponseError({ ...site, reason: 'the QR code is not a PNG image' })
    }
    return response.body
  })
}

/** Asks Okta to send the activation link by email or SMS, through a `send` link. */
export async function sendActivation (http: OktaHttp, sendUrl: string): Promise<void> {
  const call = { method: 'POST', url: sendUrl, rel: 'send', expect: [200, 201, 202, 204] } as const
  await http.request(call, () => undefined)
}

/** Parses the enrollment response: the factor, its `poll` link and `_embedded.activation`. */
export function parseEnrollment (body: unknown, site: CallSite, orgUrl: URL): PushEnrollment {
  const factorId = readString(body, 'id')
  const status = readString(body, 'status')
  const activation = asObject(readPath(body, '_embedded', 'activation'))
  if (factorId === undefined || status === undefined || activation === undefined) {
    throw new OktaBadResponseError({ ...site, reason: 'the enrolled factor has no id, status or _embedded.activation' })
  }

  const waiting = readWaiting(body, activation, orgUrl)
  if (waiting.pollUrl === undefined) throw new OktaBadResponseError({ ...site, reason: 'the enrolled factor has no poll link' })
  return { factorId, status, activation: { ...waiting, pollUrl: waiting.pollUrl } }
}

/**
 * Parses the response to an activation poll or activate call. It is the ACTIVE factor once the person has
 * scanned the code, else an activation result: WAITING, TIMEOUT, CANCELLED or ERROR.
 * The activation may sit at the top level or under `_embedded.activation`; both are read.
 */
export function parseActivationState (body: unknown, site: CallSite, orgUrl: URL): ActivationState {
  if (readString(body, 'status') === 'ACTIVE') return { state: 'active', factor: parseFactor(body, site) }

  const activation = asObject(readPath(body, '_embedded', 'activation')) ?? body
  const result = readString(activation, 'factorResult')
  if (result === 'WAITING') return readWaiting(body, activation, orgUrl)
  if (result === 'TIMEOUT') {
    const activateUrl = readLink(readPath(body, '_links'), 'activate', orgUrl) ?? readLink(readPath(activation, '_links'), 'activate', orgUrl)
    return activateUrl === undefined ? { state: 'timed_out' } : { state: 'timed_out', activateUrl }
  }
  if (result !== undefined) return { state: 'failed', result }

  // A pending factor without an activation result is still waiting; other statuses end it.
  const status = readString(body, 'status')
  if (status === 'PENDING_ACTIVATION') return readWaiting(body, activation, orgUrl)
  if (status !== undefined) return { state: 'failed', result: status }
  throw new OktaBadResponseError({ ...site, reason: 'the activation response has no factorResult or status' })
}

/** Reads a WAITING activation: `poll` from the factor's links, the rest from the activation's. */
function readWaiting (body: unknown, activation: unknown, orgUrl: URL): ActivationWaiting {
  const factorLinks = readPath(body, '_links')
  const activationLinks = readPath(activation, '_links')
  const waiting: ActivationWaiting = { state: 'waiting', sendLinks: readSendLinks(activationLinks, orgUrl) }

  const expiresAt = readTimeMs(activation, 'expiresAt')
  const pollUrl = readLink(factorLinks, 'poll', orgUrl) ?? readLink(activationLinks, 'poll', orgUrl)
  const qrcodeUrl = readLink(activationLinks, 'qrcode', orgUrl)
  if (expiresAt !== undefined) waiting.expiresAt = expiresAt
  if (pollUrl !== undefined) waiting.pollUrl = pollUrl
  if (qrcodeUrl !== undefined) waiting.qrcodeUrl = qrcodeUrl
  return waiting
}

function readSendLinks (links: unknown, orgUrl: URL): ActivationSendLinks {
  const named = readNamedLinks(links, 'send', orgUrl)
  const sendLinks: ActivationSendLinks = {}
  const email = named.get('email')
  const sms = named.get('sms')
  if (email !== undefined) sendLinks.email = email
  if (sms !== undefined) sendLinks.sms = sms
  return sendLinks
}
