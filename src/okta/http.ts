/**
 * The request pipeline every Okta call goes through: origin check, SSWS authentication, time
 * limit, retries of GET requests, 429 handling, Okta error bodies, and one log line per failure.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent } from 'undici'
import { systemClock, type Clock } from '../clock.ts'
import { apiErrorFrom, requestIdOf } from './error-body.ts'
import { OktaApiError, OktaBadResponseError, OktaRateLimitError } from './errors.ts'
import { exchange, isRetryableNetworkError, type OktaResponse } from './exchange.ts'
import { checkLink, loggablePath } from './links.ts'
import { rateLimitWait } from './rate-limit.ts'

export type { OktaResponse } from './exchange.ts'

/** The logging methods the client uses; a pino logger fits. */
export interface OktaLogger {
  warn: (fields: object, message: string) => void
  info: (fields: object, message: string) => void
  debug: (fields: object, message: string) => void
}

export interface OktaHttpOptions {
  orgUrl: URL
  apiToken: string
  timeoutMs: number
  maxRateLimitWaitMs: number
  clock?: Clock | undefined
  logger?: OktaLogger | undefined
}

export interface OktaCall {
  method: 'GET' | 'POST' | 'DELETE'
  /** A URL built from the org URL, or a link taken from an Okta response. */
  url: URL | string
  /** Names the link in OktaLinkRejectedError, such as `poll`. */
  rel: string
  /** Statuses that count as success; any other status is an error. */
  expect: readonly number[]
  /** Sent as the JSON body. Without it a POST sends `Content-Length: 0`. */
  json?: unknown
  /** Extra request headers, lower-case names. They cannot replace Authorization or Accept. */
  headers?: Record<string, string>
  accept?: string
}

/** The method, path and status of a response, for parse errors. */
export interface CallSite {
  method: string
  path: string
  status: number
}

/** Maximum retries of a GET that failed on the network or with a 5xx status. */
const MAX_RETRIES = 2
/** Backoff in milliseconds: retry n (1-based) waits n times this long. */
const RETRY_BACKOFF_MS = 250
/** A retry is made only if at least this much of the time limit is left after the backoff. */
const MIN_ATTEMPT_MS = 250
const DEFAULT_USER_AGENT = 'pushgate'

/** Sends authenticated requests to one Okta org. */
export class OktaHttp {
  readonly orgUrl: URL
  /** When a call last succeeded, in milliseconds since the epoch; undefined before the first. */
  lastSuccessAt: number | undefined
  readonly #apiToken: string
  readonly #timeoutMs: number
  readonly #maxRateLimitWaitMs: number
  readonly #clock: Clock
  readonly #logger: OktaLogger | undefined
  readonly #agent: Agent

  constructor (options: OktaHttpOptions) {
    this.orgUrl = new URL(options.orgUrl.origin)
    this.#apiToken = options.apiToken
    this.#timeoutMs = options.timeoutMs
    this.#maxRateLimitWaitMs = options.maxRateLimitWaitMs
    this.#clock = options.clock ?? systemClock
    this.#logger = options.logger
    // The per-call AbortSignal is the real limit; these stop a stalled socket even without it.
    this.#agent = new Agent({
      connect: { timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs
    })
  }

  /** Builds a URL under the org from path segments, each URL-encoded. */
  url (...segments: string[]): URL {
    return new URL(`/api/v1/${segments.map(encodePathSegment).join('/')}`, this.orgUrl)
  }

  /**
   * Sends `call` and hands the response to `parse`. Any failure, including one thrown by `parse`,
   * is logged once and rethrown. `lastSuccessAt` moves only when `parse` returns.
   */
  async request<T> (call: OktaCall, parse: (response: OktaResponse, site: CallSite) => T): Promise<T> {
    let state: CallState | undefined
    try {
      const url = checkLink(String(call.url), call.rel, this.orgUrl)
      state = { call, url, path: loggablePath(url), response: undefined }
      const response = await this.#send(state)
      const result = parse(response, { method: call.method, path: state.path, status: response.status })
      this.lastSuccessAt = this.#clock.now()
      return result
    } catch (error) {
      this.#logFailure(call, state, error)
      throw error
    }
  }

  /** Closes the connections to Okta. Closing twice is harmless. */
  async close (): Promise<void> {
    if (this.#agent.closed) return
    await this.#agent.close()
  }

  /** Sends the call, waits out a short 429 once (GET only), and checks the final status. */
  async #send (state: CallState): Promise<OktaResponse> {
    const { call, path } = state
    const response = await this.#attempt(state)
    if (response.status !== 429) return this.#checkStatus(state, response)

    const wait = rateLimitWait(response.headers, this.#clock.now())
    if (call.method !== 'GET' || wait.waitMs === undefined || wait.waitMs > this.#maxRateLimitWaitMs) {
      throw this.#rateLimitError(state, response, wait.retryAt)
    }

    this.#logger?.debug({ method: call.method, path, waitMs: wait.waitMs }, 'Okta rate limit reached; waiting to retry')
    await sleep(wait.waitMs)
    const retried = await this.#attempt(state)
    if (retried.status === 429) {
      throw this.#rateLimitError(state, retried, rateLimitWait(retried.headers, this.#clock.now()).retryAt)
    }
    return this.#checkStatus(state, retried)
  }

  /**
   * Sends the call within the time limit. A GET is retried on network failures and 5xx responses,
   * at most MAX_RETRIES times and only while the time limit allows. Other methods are never
   * retried: a repeated verify would send the person a second push.
   */
  async #attempt (state: CallState): Promise<OktaResponse> {
    const { call, path } = state
    const signal = AbortSignal.timeout(this.#timeoutMs)
    const deadline = performance.now() + this.#timeoutMs
    for (let retry = 1; ; retry++) {
      let response: OktaResponse
      try {
        response = await this.#exchange(state, signal)
      } catch (error) {
        if (!isRetryableNetworkError(error) || !canRetry(call, retry, deadline)) throw error
        this.#logger?.debug({ method: call.method, path, err: error }, 'Okta call failed on the network; retrying')
        await sleep(retry * RETRY_BACKOFF_MS)
        continue
      }

      state.response = response
      if (response.status < 500 || !canRetry(call, retry, deadline)) return response
      this.#logger?.debug({ method: call.method, path, status: response.status, requestId: requestIdOf(response) }, 'Okta returned a server error; retrying')
      await sleep(retry * RETRY_BACKOFF_MS)
    }
  }

  async #exchange (state: CallState, signal: AbortSignal): Promise<OktaResponse> {
    const { call, url, path } = state
    return await exchange({
      method: call.method,
      url,
      path,
      headers: this.#headers(call),
      body: call.json === undefined ? undefined : JSON.stringify(call.json),
      dispatcher: this.#agent,
      signal,
      timeoutMs: this.#timeoutMs
    })
  }

  #headers (call: OktaCall): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': DEFAULT_USER_AGENT,
      ...call.headers,
      accept: call.accept ?? 'application/json',
      authorization: `SSWS ${this.#apiToken}`
    }
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json'
    } else if (call.method === 'POST') {
      // Okta returns 411 for a POST with neither a body nor Content-Length.
      headers['content-length'] = '0'
    }
    return headers
  }

  #checkStatus (state: CallState, response: OktaResponse): OktaResponse {
    const { call, path } = state
    if (call.expect.includes(response.status)) return response

    if (response.status >= 400) throw apiErrorFrom(response, call.method, path, this.#redact)
    const expected = call.expect.join(' or ')
    throw new OktaBadResponseError({ method: call.method, path, status: response.status, reason: `expected status ${expected}, got ${response.status}` })
  }

  #rateLimitError (state: CallState, response: OktaResponse, retryAt: number): OktaRateLimitError {
    const { errorCode, requestId } = apiErrorFrom(response, state.call.method, state.path, this.#redact)
    return new OktaRateLimitError({ method: state.call.method, path: state.path, retryAt, errorCode, requestId })
  }

  /** Okta's error text may echo the request; make sure it never carries the token onwards. */
  readonly #redact = (text: string): string => text.replaceAll(this.#apiToken, '[redacted]')

  #logFailure (call: OktaCall, state: CallState | undefined, error: unknown): void {
    const response = state?.response
    const fields = {
      method: call.method,
      path: state?.path,
      rel: call.rel,
      status: response?.status,
      errorCode: (error as { errorCode?: unknown }).errorCode,
      requestId: response === undefined ? undefined : requestIdOf(response),
      err: error
    }
    // An unknown user or factor is an ordinary result for the caller to handle; the rest is Okta trouble.
    const expected = error instanceof OktaApiError && error.status === 404
    this.#logger?.[expected ? 'debug' : 'warn'](fields, 'Okta API call failed')
  }
}

/** One call on its way: the checked URL, the path for logs, and the last response received. */
interface CallState {
  call: OktaCall
  url: URL
  path: string
  response: OktaResponse | undefined
}

/** True when retry number `retry` (1-based) of `call` may be made before `deadline` (performance.now() ms). */
function canRetry (call: OktaCall, retry: number, deadline: number): boolean {
  if (call.method !== 'GET' || retry > MAX_RETRIES) return false
  return deadline - performance.now() >= retry * RETRY_BACKOFF_MS + MIN_ATTEMPT_MS
}

/**
 * Encodes one path segment. encodeURIComponent leaves `.` alone, and the URL parser resolves the
 * segments `.` and `..`, so `users/..` would reach another endpoint: those are rejected.
 */
function encodePathSegment (segment: string): string {
  if (segment === '' || segment === '.' || segment === '..') {
    throw new TypeError(`Okta path segment ${JSON.stringify(segment)} is not allowed; pass a user id, login or factor id`)
  }
  return encodeURIComponent(segment)
}

/**
 * Parses a JSON response body. Throws OktaBadResponseError when it is not JSON; an empty body
 * (such as a 204) gives undefined.
 */
export function parseJsonBody (response: OktaResponse, site: CallSite): unknown {
  if (response.body.length === 0) return undefined
  try {
    return JSON.parse(response.body.toString('utf8'))
  } catch {
    throw new OktaBadResponseError({ ...site, reason: 'the body is not JSON' })
  }
}
