/**
 * Errors the Okta client throws. Each class carries the facts a caller or a log line needs as
 * fields. None of them ever contains the API token, a request header or a query string: messages name
 * the method and the path only.
 */
import { errors, PushgateError } from '../errors.ts'

/** Base class of every error the Okta client throws on purpose. */
export class OktaError extends PushgateError {}

/** Fields of an Okta error body (`errorCode`, `errorSummary`, …) plus where the call went. */
export interface OktaApiErrorDetails {
  method: string
  path: string
  status: number
  errorCode?: string | undefined
  errorSummary?: string | undefined
  errorId?: string | undefined
  errorCauses?: readonly string[] | undefined
  /** Okta's `X-Okta-Request-Id` response header, for Okta support. */
  requestId?: string | undefined
}

/**
 * Okta responded with an HTTP error status (4xx or 5xx). `errorCode` (`E0000007`, …) is the field
 * meant for program logic; `errorSummary` may echo user input, so escape it before putting it in HTML.
 */
export class OktaApiError extends OktaError {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly errorCode: string | undefined
  readonly errorSummary: string | undefined
  readonly errorId: string | undefined
  readonly errorCauses: readonly string[]
  readonly requestId: string | undefined

  constructor (details: OktaApiErrorDetails) {
    const summary = [details.errorCode, details.errorSummary].filter((part) => part !== undefined).join(' ')
    super(errors.OKTA_API, [details.status, details.method, details.path, summary === '' ? 'no error details' : summary])
    this.name = 'OktaApiError'
    this.method = details.method
    this.path = details.path
    this.status = details.status
    this.errorCode = details.errorCode
    this.errorSummary = details.errorSummary
    this.errorId = details.errorId
    this.errorCauses = details.errorCauses ?? []
    this.requestId = details.requestId
  }

  /** True for Okta's "resource not found" error (404 `E0000007`), such as an unknown user. */
  get isNotFound (): boolean {
    return this.status === 404 && this.errorCode === 'E0000007'
  }
}

/** Returns true when `error` is Okta's 404 `E0000007` "not found" error. */
export function isOktaNotFound (error: unknown): error is OktaApiError {
  return error instanceof OktaApiError && error.isNotFound
}

/**
 * Okta responded 429, and the reset time was too far away to wait for or could not be trusted.
 * `retryAt` (milliseconds since the epoch) is when the caller may try again.
 */
export class OktaRateLimitError extends OktaError {
  readonly method: string
  readonly path: string
  readonly retryAt: number
  readonly errorCode: string | undefined
  readonly requestId: string | undefined

  constructor (details: { method: string, path: string, retryAt: number, errorCode?: string | undefined, requestId?: string | undefined }) {
    super(errors.OKTA_RATE_LIMITED, [details.method, details.path, new Date(details.retryAt).toISOString()])
    this.name = 'OktaRateLimitError'
    this.method = details.method
    this.path = details.path
    this.retryAt = details.retryAt
    this.errorCode = details.errorCode
    this.requestId = details.requestId
  }
}

/** The call did not complete within its time limit. */
export class OktaTimeoutError extends OktaError {
  readonly method: string
  readonly path: string
  readonly timeoutMs: number

  constructor (details: { method: string, path: string, timeoutMs: number }, options?: ErrorOptions) {
    super(errors.OKTA_TIMEOUT, [details.method, details.path, details.timeoutMs], options)
    this.name = 'OktaTimeoutError'
    this.method = details.method
    this.path = details.path
    this.timeoutMs = details.timeoutMs
  }
}

/** The connection to Okta failed (DNS, refused, reset, TLS). `reason` is the network error code. */
export class OktaUnreachableError extends OktaError {
  readonly method: string
  readonly path: string
  readonly origin: string
  readonly reason: string

  constructor (details: { method: string, path: string, origin: string, reason: string }, options?: ErrorOptions) {
    super(errors.OKTA_UNREACHABLE, [details.origin, details.reason], options)
    this.name = 'OktaUnreachableError'
    this.method = details.method
    this.path = details.path
    this.origin = details.origin
    this.reason = details.reason
  }
}

/**
 * Okta's response was not what the API documents: an unexpected status (such as 200 where a push
 * challenge must return 201), a body that is not JSON, or a required field that is missing.
 */
export class OktaBadResponseError extends OktaError {
  readonly method: string
  readonly path: string
  readonly status: number | undefined
  readonly reason: string

  constructor (details: { method: string, path: string, reason: string, status?: number | undefined }) {
    super(errors.OKTA_BAD_RESPONSE, [details.method, details.path, details.reason])
    this.name = 'OktaBadResponseError'
    this.method = details.method
    this.path = details.path
    this.status = details.status
    this.reason = details.reason
  }
}

/**
 * A link (poll, cancel, activate, qrcode, send, next page) points outside the org URL, so the
 * client did not follow it: following it would send the API token to another server.
 */
export class OktaLinkRejectedError extends OktaError {
  /** The link relation, such as `poll`. */
  readonly rel: string
  /** The origin of the rejected link, or undefined when the link is not a valid URL. */
  readonly linkOrigin: string | undefined

  constructor (details: { rel: string, orgOrigin: string, linkOrigin?: string | undefined }) {
    super(errors.OKTA_LINK_REJECTED, [details.rel, details.orgOrigin])
    this.name = 'OktaLinkRejectedError'
    this.rel = details.rel
    this.linkOrigin = details.linkOrigin
  }
}
