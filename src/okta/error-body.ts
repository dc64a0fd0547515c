/**
 * Okta's error body: `errorCode` (the field meant for program logic), `errorSummary`, `errorLink`,
 * `errorId` and `errorCauses[].errorSummary`. Any body that is not such JSON gives an OktaApiError
 * with the status alone.
 */
import { OktaApiError } from './errors.ts'
import type { OktaResponse } from './exchange.ts'
import { asObject, readString } from './json.ts'

/** Removes secrets from text Okta sent back; Okta's error text may echo the request. */
export type Redact = (text: string) => string

/** Builds the OktaApiError for an error `response` to `method` `path`. */
export function apiErrorFrom (response: OktaResponse, method: string, path: string, redact: Redact): OktaApiError {
  const body = parseJsonLeniently(response.body)
  const read = (...keys: string[]): string | undefined => {
    const text = readString(body, ...keys)
    return text === undefined ? undefined : redact(text)
  }
  const causes = asArray(asObject(body)?.['errorCauses'])
    .map((cause) => readString(cause, 'errorSummary'))
    .filter((summary) => summary !== undefined)
    .map(redact)

  return new OktaApiError({
    method,
    path,
    status: response.status,
    errorCode: read('errorCode'),
    errorSummary: read('errorSummary'),
    errorId: read('errorId'),
    errorCauses: causes,
    requestId: requestIdOf(response)
  })
}

/** Okta's `X-Okta-Request-Id` response header, which identifies the request to Okta support. */
export function requestIdOf (response: OktaResponse): string | undefined {
  const value = response.headers['x-okta-request-id']
  return typeof value === 'string' ? value : undefined
}

function parseJsonLeniently (body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

function asArray (value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}
