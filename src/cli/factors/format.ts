/**
 * Text the factor commands print: the configuration snippet with pinned ids, phone descriptions
 * and the factor table.
 */
import { stringify } from 'yaml'
import type { OktaFactor, OktaUser } from '../../okta/types.ts'

/**
 * Returns a `users:` entry with the pinned ids, indented to paste under `users:`, after a comment
 * line that names the phone. The output is valid YAML, so it can be appended to a file as it is.
 */
export function formatUserSnippet (user: OktaUser, factor: OktaFactor): string {
  const entry = stringify([{ login: user.login, oktaUserId: user.id, factorId: factor.id }])
  const lines = [`# Okta Verify push on ${describeDevice(factor)}`]
  lines.push(...entry.split('\n').filter((line) => line !== ''))
  return lines.map((line) => `  ${line}`).join('\n') + '\n'
}

/** Describes the phone of a push factor: `Alice's iPhone (IOS, Okta Verify 9.27.0)`. */
export function describeDevice (factor: OktaFactor): string {
  const device = factor.device
  if (device?.name === undefined) return 'an unnamed device'

  const details = [device.platform, device.version === undefined ? undefined : `Okta Verify ${device.version}`]
    .filter((detail) => detail !== undefined)
  return details.length === 0 ? device.name : `${device.name} (${details.join(', ')})`
}

/** True for an Okta Verify push factor, whatever its status. */
export function isOktaVerifyPush (factor: OktaFactor): boolean {
  return factor.factorType === 'push' && factor.provider === 'OKTA'
}

const COLUMNS = ['ID', 'TYPE', 'PROVIDER', 'STATUS', 'DEVICE', 'CREATED'] as const

/** Formats factors as a table with a header row, columns padded to their widest cell. */
export function formatFactorTable (factors: readonly OktaFactor[]): string {
  const rows = factors.map((factor) => [
    factor.id,
    factor.factorType,
    factor.provider,
    factor.status,
    factor.device === undefined ? '-' : describeDevice(factor),
    factor.createdAt === undefined ? '-' : new Date(factor.createdAt).toISOString().slice(0, 10)
  ])
  const table = [[...COLUMNS], ...rows]
  const widths = COLUMNS.map((_, column) => Math.max(...table.map((row) => row[column]!.length)))
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n'
}
