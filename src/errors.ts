/**
 * The one catalogue of errors pushgate raises on purpose. Each entry has a stable code, the HTTP
 * status a browser or proxy sees when the error reaches a route, and a message template.
 * docs/errors.md lists the same codes; test/errors.test.ts keeps the two in step.
 *
 * Errors with a status below 500 show their message to the client. Errors at 500 and above show a
 * generic message unless their entry says `expose`, and the full error goes to the log (see
 * src/http/error-handler.ts).
 */

export interface ErrorDefinition {
  code: string
  statusCode: number
  /** Message template: `%s` placeholders are filled from the arguments in order. */
  template: string
  /** Shows the message to the client even at 500 and above; for messages written for the login page. */
  expose?: boolean
}

/** Base class of every catalogued error. `code` is stable; messages may change. */
export class PushgateError extends Error {
  readonly code: string
  readonly statusCode: number
  /** True when the message may be shown to the client: client errors, and messages written for it. */
  readonly expose: boolean

  constructor (definition: ErrorDefinition, args: readonly unknown[] = [], options?: ErrorOptions) {
    super(formatTemplate(definition.template, args), options)
    this.name = 'PushgateError'
    this.code = definition.code
    this.statusCode = definition.statusCode
    this.expose = definition.expose ?? definition.statusCode < 500
  }
}

function formatTemplate (template: string, args: readonly unknown[]): string {
  let index = 0
  return template.replace(/%s/g, () => String(args[index++] ?? ''))
}

function define (code: string, statusCode: number, template: string, expose?: boolean): ErrorDefinition {
  return expose === undefined ? { code, statusCode, template } : { code, statusCode, template, expose }
}

export const errors = {
  // Configuration and start-up.
  CONFIG_INVALID: define('PG_ERR_CONFIG_INVALID', 500, 'Invalid configuration in %s:\n%s'),
  CONFIG_NOT_FOUND: define('PG_ERR_CONFIG_NOT_FOUND', 500, 'Cannot read the configuration file %s: %s'),
  CONFIG_MISSING: define('PG_ERR_CONFIG_MISSING', 500, 'No configuration given. Pass --config FILE or set PUSHGATE_CONFIG, or run `pushgate demo` to try pushgate without one.'),

  // Okta API calls. The Okta error classes live in src/okta/errors.ts and use these codes.
  OKTA_API: define('PG_ERR_OKTA_API', 502, 'Okta answered %s to %s %s: %s'),
  OKTA_RATE_LIMITED: define('PG_ERR_OKTA_RATE_LIMITED', 503, 'Okta rate limit reached for %s %s; retry after %s'),
  OKTA_TIMEOUT: define('PG_ERR_OKTA_TIMEOUT', 504, 'Okta did not answer %s %s within %s ms'),
  OKTA_UNREACHABLE: define('PG_ERR_OKTA_UNREACHABLE', 502, 'Cannot reach Okta at %s: %s'),
  OKTA_BAD_RESPONSE: define('PG_ERR_OKTA_BAD_RESPONSE', 502, 'Okta sent an unexpected response to %s %s: %s'),
  OKTA_LINK_REJECTED: define('PG_ERR_OKTA_LINK_REJECTED', 502, 'Okta sent a %s link outside the org URL %s; the link was not followed'),

  // Login flow, as seen by the browser.
  LOGIN_CSRF: define('PG_ERR_LOGIN_CSRF', 403, 'This request did not come from the pushgate login page. Reload the page and try again.'),
  LOGIN_RATE_LIMITED: define('PG_ERR_LOGIN_RATE_LIMITED', 429, 'Too many attempts. Wait %s before you try again.'),
  LOGIN_NO_PENDING: define('PG_ERR_LOGIN_NO_PENDING', 409, 'No push is waiting for this browser. Send a new push.'),
  LOGIN_INPUT: define('PG_ERR_LOGIN_INPUT', 400, '%s'),
  // A 503 whose message is meant for the login page: Okta is down or rate limiting us.
  LOGIN_OKTA_UNAVAILABLE: define('PG_ERR_LOGIN_OKTA_UNAVAILABLE', 503, '%s', true)
} as const satisfies Record<string, ErrorDefinition>

export type ErrorName = keyof typeof errors

/** Creates the catalogued error `name` with its template filled from `args`. */
export function createError (name: ErrorName, args: readonly unknown[] = [], options?: ErrorOptions): PushgateError {
  return new PushgateError(errors[name], args, options)
}
