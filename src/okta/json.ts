/**
 * Lenient readers for Okta's JSON. Okta may add properties at any time and omits null ones, so
 * every reader returns undefined for a missing or mistyped value and the caller decides whether
 * that value was required.
 */

export type JsonObject = Record<string, unknown>

/** Returns `value` as an object, or undefined for arrays, null and other types. */
export function asObject (value: unknown): JsonObject | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  return value as JsonObject
}

/** Follows `keys` through nested objects, such as `_embedded`, `challenge`, `correctAnswer`. */
export function readPath (value: unknown, ...keys: string[]): unknown {
  let current = value
  for (const key of keys) {
    const object = asObject(current)
    if (object === undefined) return undefined
    current = object[key]
  }
  return current
}

/** Reads a string at `keys`; empty strings count as missing. */
export function readString (value: unknown, ...keys: string[]): string | undefined {
  const found = readPath(value, ...keys)
  return typeof found === 'string' && found !== '' ? found : undefined
}

/** Reads an ISO-8601 timestamp at `keys` as milliseconds since the epoch. */
export function readTimeMs (value: unknown, ...keys: string[]): number | undefined {
  const text = readString(value, ...keys)
  if (text === undefined) return undefined

  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

/** Reads a non-negative integer at `keys`, also from a string of digits. */
export function readInteger (value: unknown, ...keys: string[]): number | undefined {
  const found = readPath(value, ...keys)
  if (typeof found === 'number' && Number.isSafeInteger(found) && found >= 0) return found
  if (typeof found === 'string' && /^\d{1,9}$/.test(found)) return Number(found)
  return undefined
}
