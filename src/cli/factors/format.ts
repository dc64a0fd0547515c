/**
 * Text the factor commands print: the configuration snippet with pinned ids, phone descriptions
 * and the factor table. Every value from Okta goes through sanitizeText, or is quoted, before it
 * is printed.
 */
import { OKTA_ID_PATTERN } from '../../config/schema.ts'
import type { OktaFactor, OktaUser } from '../../okta/types.ts'
import { quoteYamlString, sanitizeText } from '../terminal/sanitize.ts'

/**
 * Returns a `users:` entry with the pinned ids, indented to paste under `users:`, after a comment
 * line that names the phone. The output is one YAML list item whatever Okta returned, so it can be
 * appended to a file as it is. The login is a double-quoted scalar, the comment is sanitised, and
 * ids that are not Okta ids are left out.
 */
export function formatUserSnippet (user: OktaUser, factor: OktaFactor): string {
  const lines = [`# Okta Verify push on ${describeDevice(factor)}`, `- login: ${quoteYamlString(user.login)}`]
  if (OKTA_ID_PATTERN.test(user.id) && OKTA_ID_PATTERN.test(factor.id)) {
    lines.push(`  oktaUserId: ${user.id}`, `  factorId: ${factor.id}`)
  } else {
    // The configuration accepts only ids of this shape, so pinning another would make the entry invalid.
    lines.splice(1, 0, '# Okta returned ids that are not 20 letters and digits, so this entry pins none')
  }
  return lines.map((line) => `  ${line}`).join('\n') + '\n'
}

/** Describes the phone of a push factor, sanitised: `Alice's iPhone (IOS, Okta Verify 9.27.0)`. */
export function describeDevice (factor: OktaFactor): string {
  const device = factor.device
  if (device?.name === undefined) return 'an unnamed device'

  const details = [device.platform, device.version === undefined ? undefined : `Okta Verify ${device.version}`]
    .filter((detail) => detail !== undefined)
  const text = details.length === 0 ? device.name : `${device.name} (${details.join(', ')})`
  return sanitizeText(text)
}

/** True for an Okta Verify push factor, whatever its status. */
export function isOktaVerifyPush (factor: OktaFactor): boolean {
  return factor.factorType === 'push' && factor.provider === 'OKTA'
}

const COLUMNS = ['ID', 'TYPE', 'PROVIDER', 'STATUS', 'DEVICE', 'CREATED'] as const

/** Formats factors as a table with a header row, columns padded to their widest cell. */
export function formatFactorTable (factors: readonly OktaFactor[]): string {
  const rows = factors.map((factor) => [
    sanitizeText(factor.id),
    sanitizeText(factor.factorType),
    sanitizeText(factor.provider),
    sanitizeText(factor.status),
    factor.device === undefined ? '-' : describeDevice(factor),
    factor.createdAt === undefined ? '-' : new Date(factor.createdAt).toISOString().slice(0, 10)
  ])
  const table = [[...COLUMNS], ...rows]
  const widths = COLUMNS.map((_, column) => Math.max(...table.map((row) => row[column]!.length)))
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n'
}
