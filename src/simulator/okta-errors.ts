/**
 * Okta's error bodies: `errorCode`, `errorSummary`, `errorLink` (the same as the code), a unique
 * `errorId` and `errorCauses`. The codes and summaries are the ones Okta's management API documents.
 */
import { newErrorId } from './ids.ts'

export interface OktaErrorBody {
  errorCode: string
  errorSummary: string
  errorLink: string
  errorId: string
  errorCauses: Array<{ errorSummary: string }>
}

/** Okta's standard summary and HTTP status for each error code the simulator sends. */
export const OKTA_ERROR_CODES: Record<string, { statusCode: number, summary: string }> = {
  E0000001: { statusCode: 400, summary: 'Api validation failed' },
  E0000003: { statusCode: 400, summary: 'The request body was not well-formed.' },
  E0000005: { statusCode: 403, summary: 'Invalid session' },
  E0000006: { statusCode: 403, summary: 'You do not have permission to perform the requested action' },
  E0000007: { statusCode: 404, summary: 'Not found: Resource not found' },
  E0000009: { statusCode: 500, summary: 'Internal Server Error' },
  E0000010: { statusCode: 503, summary: 'Service is in read only mode' },
  E0000011: { statusCode: 401, summary: 'Invalid token provided' },
  E0000022: { statusCode: 405, summary: 'The endpoint does not support the provided HTTP method' },
  E0000047: { statusCode: 429, summary: 'API call exceeded rate limit due to too many requests.' }
}

/** An Okta API error that a route throws; the API error handler turns it into the Okta body. */
export class OktaError extends Error {
  readonly statusCode: number
  readonly errorCode: string
  readonly causes: string[]

  constructor (statusCode: number, errorCode: string, summary: string, causes: string[] = []) {
    super(summary)
    this.name = 'OktaError'
    this.statusCode = statusCode
    this.errorCode = errorCode
    this.causes = causes
  }

  toBody (): OktaErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.message,
      errorLink: this.errorCode,
      errorId: newErrorId(),
      errorCauses: this.causes.map((cause) => ({ errorSummary: cause }))
    }
  }
}

/** 404 E0000007 for a missing resource, worded as Okta does: `Not found: Resource not found: <value> (<Type>)`. */
export function notFound (value: string, type: string): OktaError {
  return new OktaError(404, 'E0000007', `Not found: Resource not found: ${value} (${type})`)
}

/** 400 E0000001 `Api validation failed: <subject>` with the causes listed in `errorCauses`. */
export function validationFailed (subject: string, ...causes: string[]): OktaError {
  return new OktaError(400, 'E0000001', `Api validation failed: ${subject}`, causes)
}

/** 400 E0000003 for a body that is not JSON or not the JSON object the operation expects. */
export function malformedBody (): OktaError {
  return new OktaError(400, 'E0000003', OKTA_ERROR_CODES.E0000003!.summary)
}

/** 429 E0000047, Okta's rate-limit error. */
export function rateLimited (): OktaError {
  return new OktaError(429, 'E0000047', OKTA_ERROR_CODES.E0000047!.summary)
}

/** Creates an error with Okta's standard summary for `errorCode`, sent as `statusCode` (used by faults). */
export function standardError (statusCode: number, errorCode: string): OktaError {
  const summary = OKTA_ERROR_CODES[errorCode]?.summary ?? `Simulated failure ${errorCode}`
  return new OktaError(statusCode, errorCode, summary)
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'E0000001',
  401: 'E0000011',
  403: 'E0000006',
  404: 'E0000007',
  405: 'E0000022',
  429: 'E0000047',
  503: 'E0000010'
}

/** Returns the error code for `statusCode` when a fault gives only a status, and E0000009 for other statuses. */
export function defaultErrorCode (statusCode: number): string {
  return DEFAULT_CODES[statusCode] ?? 'E0000009'
}
