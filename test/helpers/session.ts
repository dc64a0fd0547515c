/**
 * Seals session cookies directly with the gateway's secret, for tests of what pushgate does with
 * a cookie rather than of how the cookie is obtained.
 */
import { SessionSealer, type SessionData } from '../../src/session/sealer.ts'
import type { RunningGateway } from './gateway.ts'

/** Seals a session for `login` with the gateway's secrets; `overrides` change any field. */
export async function sealSession (gateway: RunningGateway, login: string, overrides: Partial<SessionData> = {}): Promise<string> {
  const sealer = new SessionSealer({ secrets: gateway.config.session.secrets, lifetimeMs: gateway.config.session.lifetimeMs, clock: { now: () => Date.now() } })
  const { session } = sealer.createSession({ login, email: login, name: 'Test Person', groups: ['Engineering'] })
  return await sealer.seal({ ...session, ...overrides })
}
