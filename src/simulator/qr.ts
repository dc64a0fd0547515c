/**
 * The activation link that Okta Verify opens, and the QR code that carries it.
 *
 * NOTE: Okta does not document what its QR code contains. The simulator encodes its own
 * `oktaverify://activate?t=<token>&f=<factorId>&s=<orgUrl>` link; clients must treat the QR code
 * as an opaque image.
 */
import QRCode from 'qrcode'
import type { SimFactor } from './model.ts'

export function activationLink (orgUrl: string, factor: SimFactor, token: string): string {
  const query = new URLSearchParams({ t: token, f: factor.id, s: orgUrl })
  return `oktaverify://activate?${query.toString()}`
}

/** Reads the activation token from a link; text that is not such a link is taken as the bare token. */
export function tokenFromActivationLink (content: string): string {
  const trimmed = content.trim()
  if (!trimmed.startsWith('oktaverify://')) return trimmed

  try {
    return new URL(trimmed).searchParams.get('t') ?? ''
  } catch {
    return ''
  }
}

/** Renders `text` as a PNG QR code, large enough to scan from a screen. */
export async function renderQrPng (text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 })
}
