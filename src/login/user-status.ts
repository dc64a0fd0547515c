/**
 * Which Okta user statuses may sign in with a push. SUSPENDED, DEPROVISIONED, LOCKED_OUT, STAGED
 * and PROVISIONED users are refused, and so is any status Okta adds later. RECOVERY and
 * PASSWORD_EXPIRED concern the Okta password, which a push login does not use.
 */
const SIGN_IN_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'RECOVERY', 'PASSWORD_EXPIRED'])

/** True when an Okta user in `status` may sign in. */
export function canSignIn (status: string): boolean {
  return SIGN_IN_STATUSES.has(status)
}
