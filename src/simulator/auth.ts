/**
 * The API token check: `Authorization: SSWS <token>`, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { OktaError } from './okta-errors.ts'

function digest (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/**
 * Returns the Okta error for a request without a valid API token, or undefined when the token is
 * right. No header at all gets 403 E0000005, as Okta responds to a request without a session. Any other
 * scheme or a wrong token gets 401 E0000011. The simulator does not accept OAuth access tokens.
 */
export function checkAuthorization (header: string | undefined, apiToken: string): OktaError | undefined {
  if (header === undefined || header.trim() === '') return new OktaError(403, 'E0000005', 'Invalid session')

  const match = /^SSWS\s+(\S+)\s*$/.exec(header)
  // Hashing first gives both sides the same length, which timingSafeEqual requires.
  if (match === null || !timingSafeEqual(digest(match[1]!), digest(apiToken))) {
    return new OktaError(401, 'E0000011', 'Invalid token provided')
  }
  return undefined
}
