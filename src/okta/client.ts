/**
 * The Okta API client pushgate uses: users, groups, factors, Okta Verify push and push enrollment,
 * over Okta's management API with an SSWS API token.
 */
import type { Clock } from '../clock.ts'
import { getFactor, deleteFactor, findActivePushFactor, listFactors } from './factors.ts'
import { enrollPush, fetchQrCode, pollActivation, restartActivation, sendActivation } from './enroll.ts'
import { OktaHttp, parseJsonBody, type OktaLogger } from './http.ts'
import { cancelPush, pollPush, verifyPush } from './push.ts'
import { getUser, listGroupNames } from './users.ts'
import type { ActivationState, OktaFactor, OktaUser, PushChallenge, PushEnrollment, PushStatus, VerifyPushOptions } from './types.ts'

/**
 * Default longest wait after a 429 before retrying a GET once, in milliseconds. Okta's windows are
 * one minute long, so most resets are further away than this. Those throw OktaRateLimitError at once, and its
 * `retryAt` lets the login page show how long to wait instead of holding the person on a spinner.
 */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 2_000

export interface OktaClientOptions {
  /** The Okta org, such as https://example.okta.com. Only its origin is used; links elsewhere are rejected. */
  orgUrl: URL
  /** The API token, sent as `Authorization: SSWS <token>` and only to the org's origin. */
  apiToken: string
  /** Time limit of one call in milliseconds, including the retries of a GET. */
  timeoutMs: number
  /** The source of the current time, for `lastSuccessAt` and `retryAt`. Default: the system clock. */
  clock?: Clock
  /** Receives one line per failed call (debug for 404, warn otherwise) and retries at debug. */
  logger?: OktaLogger
  /**
   * Maximum wait in milliseconds for a 429's reset before a GET is retried once. Longer waits
   * throw OktaRateLimitError at once. POST and DELETE calls never wait. Default 2000.
   */
  maxRateLimitWaitMs?: number
}

/** A client for one Okta org. Call close() to release its connections. */
export class OktaClient {
  readonly #http: OktaHttp

  constructor (options: OktaClientOptions) {
    checkOptions(options)
    this.#http = new OktaHttp({
      orgUrl: options.orgUrl,
      apiToken: options.apiToken,
      timeoutMs: options.timeoutMs,
      maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
      clock: options.clock,
      logger: options.logger
    })
  }

  /** The org origin that every request and followed link must use. */
  get orgUrl (): URL {
    return new URL(this.#http.orgUrl)
  }

  /** When a call last succeeded, in milliseconds since the epoch; undefined before the first. */
  get lastSuccessAt (): number | undefined {
    return this.#http.lastSuccessAt
  }

  /** Fetches a user by id or login; 404 `E0000007` (isOktaNotFound) when there is none. */
  async getUser (idOrLogin: string): Promise<OktaUser> {
    return await getUser(this.#http, idOrLogin)
  }

  /** Lists the names of the user's groups, reading every page. */
  async listGroupNames (userId: string): Promise<string[]> {
    return await listGroupNames(this.#http, userId)
  }

  /** Lists the user's factors. */
  async listFactors (userId: string): Promise<OktaFactor[]> {
    return await listFactors(this.#http, userId)
  }

  /** Fetches one factor. */
  async getFactor (userId: string, factorId: string): Promise<OktaFactor> {
    return await getFactor(this.#http, userId, factorId)
  }

  /** Returns the user's ACTIVE Okta Verify push factor, or undefined. */
  async findActivePushFactor (userId: string): Promise<OktaFactor | undefined> {
    return await findActivePushFactor(this.#http, userId)
  }

  /** Sends a push (never retried); returns the poll link and, with number matching, the number. */
  async verifyPush (userId: string, factorId: string, options: VerifyPushOptions): Promise<PushChallenge> {
    return await verifyPush(this.#http, userId, factorId, options)
  }

  /** Polls a push through its `poll` link. */
  async pollPush (pollUrl: string): Promise<PushStatus> {
    return await pollPush(this.#http, pollUrl)
  }

  /** Cancels a push through its `cancel` link; a push that is already gone (404) is fine. */
  async cancelPush (cancelUrl: string): Promise<void> {
    await cancelPush(this.#http, cancelUrl)
  }

  /** Enrolls an Okta Verify push factor, waiting for activation. */
  async enrollPush (userId: string): Promise<PushEnrollment> {
    return await enrollPush(this.#http, userId)
  }

  /** Polls an activation through its `poll` link. */
  async pollActivation (pollUrl: string): Promise<ActivationState> {
    return await pollActivation(this.#http, pollUrl)
  }

  /** Restarts an expired activation through its `activate` link. */
  async restartActivation (activateUrl: string): Promise<ActivationState> {
    return await restartActivation(this.#http, activateUrl)
  }

  /** Downloads the activation QR code (PNG). */
  async fetchQrCode (qrcodeUrl: string): Promise<Buffer> {
    return await fetchQrCode(this.#http, qrcodeUrl)
  }

  /** Has Okta send the activation link through a `send` link (email or sms). */
  async sendActivation (sendUrl: string): Promise<void> {
    await sendActivation(this.#http, sendUrl)
  }

  /** Deletes a factor. Deleting `push` also removes Okta Verify TOTP and FastPass. */
  async deleteFactor (userId: string, factorId: string): Promise<void> {
    await deleteFactor(this.#http, userId, factorId)
  }

  /** Checks that Okta responds and accepts the token (`GET /api/v1/users/me`), for readiness. */
  async ping (): Promise<void> {
    const call = { method: 'GET', url: this.#http.url('users', 'me'), rel: 'me', expect: [200] } as const
    await this.#http.request(call, (response, site) => { parseJsonBody(response, site) })
  }

  /** Closes the connections to Okta. */
  async close (): Promise<void> {
    await this.#http.close()
  }
}

/** Visible ASCII only: anything else cannot go into a header and usually is a stray newline. */
export const TOKEN_PATTERN = /^[\x21-\x7e]+$/

function checkOptions (options: OktaClientOptions): void {
  if (options.orgUrl.protocol !== 'https:' && options.orgUrl.protocol !== 'http:') {
    throw new TypeError(`OktaClient orgUrl ${options.orgUrl.origin} must be an https URL, such as https://example.okta.com`)
  }
  if (!TOKEN_PATTERN.test(options.apiToken)) {
    throw new TypeError('OktaClient apiToken is empty or contains spaces, line breaks or non-ASCII characters; check the token (and its file for a trailing newline)')
  }
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new TypeError(`OktaClient timeoutMs is ${options.timeoutMs}; it must be a positive number of milliseconds`)
  }
  const maxWaitMs = options.maxRateLimitWaitMs
  if (maxWaitMs !== undefined && (!Number.isFinite(maxWaitMs) || maxWaitMs < 0)) {
    throw new TypeError(`OktaClient maxRateLimitWaitMs is ${maxWaitMs}; it must be 0 or more milliseconds`)
  }
}
