/**
 * The audit trail of push logins: one log line per push sent, approved, denied, timed out,
 * cancelled, failed or refused by a limit, with the user, client IP and User-Agent. Lines carry
 * `audit: true` so a log pipeline can route them apart from operational logs.
 */
import type { FastifyBaseLogger } from 'fastify'

export type AuditEvent =
  | 'push_sent'
  | 'push_approved'
  | 'push_denied'
  | 'push_timed_out'
  | 'push_cancelled'
  | 'push_failed'
  | 'push_refused'
  | 'session_started'
  | 'session_ended'

export interface AuditContext {
  user: string
  clientIp: string
  userAgent: string
  /** Why a push was refused or failed, such as `user_limit` or `unknown_login`. */
  reason?: string
}

export interface AuditLog {
  record: (event: AuditEvent, context: AuditContext) => void
}

/** Writes audit lines to `log` at info level. */
export function createAuditLog (log: FastifyBaseLogger): AuditLog {
  const audit = log.child({ audit: true })
  return {
    record (event, context) {
      audit.info({ event, ...context }, `audit ${event}`)
    }
  }
}
