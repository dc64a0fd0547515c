/**
 * Showing Okta's activation QR code in the terminal. Okta sends a PNG; its content is decoded with
 * jsQR and drawn again with text characters, so the person scans the terminal with Okta Verify.
 * The content is copied byte for byte and never interpreted: Okta does not document it.
 */
import jsqr from 'jsqr'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'

/** Decodes the QR code in a PNG image; returns its content bytes, or undefined when none is found. */
export function decodeQrPng (png: Buffer): Buffer | undefined {
  let image: PNG
  try {
    image = PNG.sync.read(png)
  } catch {
    return undefined
  }
  // jsqr is CommonJS: under nodenext the default import is module.exports, whose `default` is the decoder.
  const decoded = jsqr.default(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)
  return decoded === null ? undefined : Buffer.from(decoded.binaryData)
}

/**
 * Draws a QR code with `content` as text. With `colors` it uses ANSI colours to force dark modules
 * on a light background, which scans on dark and light terminals alike. Without, it uses plain
 * block characters (dark modules as full blocks) for output that is not a terminal.
 */
export async function renderQrText (content: Buffer, colors: boolean): Promise<string> {
  const segments = [{ data: new Uint8Array(content), mode: 'byte' as const }]
  if (colors) return await QRCode.toString(segments, { type: 'terminal', small: true, errorCorrectionLevel: 'L' })
  return await QRCode.toString(segments, { type: 'utf8', margin: 2, errorCorrectionLevel: 'L' })
}
