/** The Okta client's public API. */
export { OktaClient, DEFAULT_MAX_RATE_LIMIT_WAIT_MS, type OktaClientOptions } from './client.ts'
export {
  OktaError,
  OktaApiError,
  OktaRateLimitError,
  OktaTimeoutError,
  OktaUnreachableError,
  OktaBadResponseError,
  OktaLinkRejectedError,
  isOktaNotFound,
  type OktaApiErrorDetails
} from './errors.ts'
export type { OktaLogger } from './http.ts'
export { isPushFailure, pushOutcome } from './push.ts'
export { MAX_GROUP_PAGES } from './users.ts'
export type * from './types.ts'
