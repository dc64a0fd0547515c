/**
 * The authz decision shared by both dialects: who is asking, about what, and how to respond.
 * Kept free of Fastify so both route handlers and the tests read the same rule.
 */
import type { SessionData, UnsealResult } from '../session/sealer.ts'
import type { OriginalRequest } from './original-request.ts'

export type AuthzDecision =
  | { outcome: 'allow', session: SessionData }
  /** Signed in, but the login is no longer in `users`. */
  | { outcome: 'forbidden', session: SessionData, navigation: boolean }
  | { outcome: 'sign-in', navigation: boolean, target: URL | undefined, method: string }
  | { outcome: 'malformed', reason: string }

export interface DecideInput {
  original: OriginalRequest
  session: UnsealResult
  navigation: boolean
  isAllowedLogin: (login: string) => boolean
}

/** Decides how an authz endpoint responds. The dialect only changes how the response is written. */
export function decide (input: DecideInput): AuthzDecision {
  const { original, session } = input
  if (original.kind === 'malformed') return { outcome: 'malformed', reason: original.reason }

  if (session.session !== undefined) {
    return input.isAllowedLogin(session.session.login)
      ? { outcome: 'allow', session: session.session }
      : { outcome: 'forbidden', session: session.session, navigation: input.navigation }
  }

  return {
    outcome: 'sign-in',
    navigation: input.navigation,
    target: original.kind === 'known' ? original.url : undefined,
    method: original.method
  }
}

/**
 * 302 for GET and HEAD; 303 for other methods, so the browser fetches the login page with GET
 * instead of re-sending a form body to it (RFC 9110, section 15.4.4).
 */
export function redirectStatus (method: string): 302 | 303 {
  return method === 'GET' || method === 'HEAD' ? 302 : 303
}
