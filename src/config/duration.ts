/**
 * Durations in the configuration are strings with a unit, such as `90s`, `15m` or `12h`, so that
 * nobody has to guess whether a bare number means seconds or milliseconds. This is the one place
 * that turns them into milliseconds.
 */

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000
} as const

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/** Parses `90s`, `15m`, `12h`, `7d` or `250ms` into milliseconds; returns undefined when invalid. */
export function parseDurationMs (text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim())
  if (match === null) return undefined

  const amount = Number(match[1])
  const unit = match[2] as keyof typeof UNIT_MS
  return Math.round(amount * UNIT_MS[unit])
}

/** Formats milliseconds for people: `45s`, `5m`, `2h 30m`. */
export function formatDuration (ms: number): string {
  const totalSeconds = Math.max(0, Math.ceil(ms / 1000))
  if (totalSeconds < 60) return `${totalSeconds}s`

  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`
  return seconds > 0 ? `${minutes}m ${seconds}s` : `${minutes}m`
}
