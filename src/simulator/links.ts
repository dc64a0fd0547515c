/**
 * Absolute API URLs and HAL links with method hints, as Okta puts them in `_links`.
 */
import type { PushTransaction, SimFactor } from './model.ts'

export interface Link {
  href: string
  hints?: { allow: string[] }
  name?: string
  type?: string
}

/** Returns a link to `href` that may be followed with the `allow` methods. */
export function link (href: string, ...allow: string[]): Link {
  return allow.length === 0 ? { href } : { href, hints: { allow } }
}

export function userUrl (orgUrl: string, userId: string): string {
  return `${orgUrl}/api/v1/users/${userId}`
}

export function factorUrl (orgUrl: string, factor: SimFactor): string {
  return `${userUrl(orgUrl, factor.userId)}/factors/${factor.id}`
}

export function activateUrl (orgUrl: string, factor: SimFactor): string {
  return `${factorUrl(orgUrl, factor)}/lifecycle/activate`
}

export function qrCodeUrl (orgUrl: string, factor: SimFactor, token: string): string {
  return `${factorUrl(orgUrl, factor)}/qr/${token}`
}

export function transactionUrl (orgUrl: string, push: PushTransaction): string {
  return `${userUrl(orgUrl, push.userId)}/factors/${push.factorId}/transactions/${push.id}`
}

/** Returns ISO-8601 with milliseconds and `Z`, as every Okta timestamp. */
export function isoTime (ms: number): string {
  return new Date(ms).toISOString()
}
