/**
 * The wording of configuration problems. Every message names the key, shows the value (a secret
 * only as "is set") and gives the fix, so Zod's own wording never reaches people.
 */
import type { YAMLError } from 'yaml'
import type * as z from 'zod'
import type { ConfigProblem } from './checks.ts'

const SECRET_KEYS = /(secret|token|password)/i

/** Maximum length of a value shown in a message, in characters. Longer ones are cut with an ellipsis. */
const MAX_SHOWN_LENGTH = 80

/**
 * Words Zod's built-in checks as the part after the value ("it must be …"). Pass it as the `error`
 * option of safeParse: a message given in the schema takes precedence over it.
 */
export function describeDefaultIssue (issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `it must be ${describeExpected(issue.expected)}`
    case 'too_big':
      return `it must be ${issue.inclusive === false ? 'less than' : 'at most'} ${describeSize(issue.origin, issue.maximum)}`
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'it must not be empty'
      return `it must be ${issue.inclusive === false ? 'more than' : 'at least'} ${describeSize(issue.origin, issue.minimum)}`
    case 'invalid_value':
      return `it must be ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${listWithOr(issue.values.map(String))}`}`
    case 'not_multiple_of':
      return `it must be a multiple of ${String(issue.divisor)}`
    default:
      return 'it is not valid here; see the configuration reference in README.md'
  }
}

function describeSize (origin: string, limit: number | bigint): string {
  switch (origin) {
    case 'string': return `${limit} characters long`
    case 'array': return `a list of ${limit} entries`
    default: return String(limit)
  }
}

function describeExpected (expected: string): string {
  switch (expected) {
    case 'number': return 'a number'
    case 'boolean': return 'true or false'
    case 'array': return 'a list'
    case 'object': return 'a mapping of keys to values'
    case 'string': return 'a string'
    default: return expected
  }
}

/** Joins `a, b or c`. */
function listWithOr (items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}

/** Turns a schema issue into a problem that names the key, shows the value and suggests the fix. */
export function describeIssue (issue: z.core.$ZodIssue, input: unknown): ConfigProblem {
  const path = issue.path.map(String).join('.')

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(issue.path)
    const message = issue.keys.map((key) => {
      const suggestion = closest(key, known)
      const hint = suggestion === undefined ? `known keys here: ${known.join(', ')}` : `did you mean ${suggestion}?`
      return `has the unknown key ${JSON.stringify(key)} (${hint})`
    }).join('; ')
    return { path, message }
  }

  // Custom checks and schema messages that start with "is " show the value themselves.
  if (issue.code === 'custom' || issue.message.startsWith('is ')) return { path, message: issue.message }

  const value = valueAt(input, issue.path)
  if (value === undefined) return { path, message: `is missing; ${issue.message}` }
  const shown = SECRET_KEYS.test(path) ? 'is set' : `is ${showValue(value)}`
  return { path, message: `${shown}; ${issue.message}` }
}

/** Shows a value as JSON, cut to MAX_SHOWN_LENGTH characters. */
function showValue (value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length <= MAX_SHOWN_LENGTH ? text : `${text.slice(0, MAX_SHOWN_LENGTH - 1)}…`
}

function valueAt (input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

/**
 * Formats problems as the list lines of a PG_ERR_CONFIG_INVALID message. A problem inside a
 * `users` entry names that entry's login after the path, such as `users.3.factorId (bob@example.com)`.
 */
export function formatProblems (problems: readonly ConfigProblem[], input: unknown): string {
  return problems.map((problem) => {
    const path = problem.path === '' ? '(top level)' : problem.path
    return `  - ${path}${describeUserEntry(problem.path, input)} ${problem.message}`
  }).join('\n')
}

function describeUserEntry (path: string, input: unknown): string {
  const match = /^users\.(\d+)(?:\.(\w+))?/.exec(path)
  if (match === null || match[2] === 'login') return ''
  const login = valueAt(input, ['users', Number(match[1]), 'login'])
  return typeof login === 'string' && login.trim() !== '' ? ` (${login.trim()})` : ''
}

/** Fixes for the YAML errors people make most, by the yaml package's error code. */
const YAML_HINTS: Partial<Record<YAMLError['code'], string>> = {
  BAD_INDENT: 'indent the keys of one mapping, and the items of one list, by the same number of spaces, and close every [ and {',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  DUPLICATE_KEY: 'keep only one of the two keys',
  MISSING_CHAR: 'add the missing character, such as a closing quote or bracket',
  MULTILINE_IMPLICIT_KEY: 'check for a missing colon after a key, or quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'check for a missing colon after a key, or quote the value',
  BAD_DQ_ESCAPE: 'write a backslash inside double quotes as \\\\, or use single quotes',
  BAD_SCALAR_START: 'quote the value, because it starts with a character YAML reserves',
  MULTIPLE_DOCS: 'keep one YAML document in the file, without a second --- line'
}

/** Describes a YAML syntax error with its line, column, problem and fix, without the source line. */
export function describeYamlError (error: YAMLError): string {
  // With prettyErrors the message ends with " at line L, column C:" and a copy of the source line,
  // which may hold a secret, so only the first line without the position is kept.
  const problem = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:$/, '')
  const start = error.linePos?.[0]
  const position = start === undefined ? '' : ` at line ${start.line}, column ${start.col}`
  const hint = YAML_HINTS[error.code] ?? 'fix the YAML at that spot'
  return `YAML syntax error${position}: ${problem}; ${hint}`
}

/** Returns the keys the schema accepts at `path`, for "did you mean" hints. */
function knownKeys (path: readonly PropertyKey[]): string[] {
  const top = ['server', 'publicUrl', 'defaultRedirectUrl', 'session', 'okta', 'users', 'limits', 'log']
  const nested: Record<string, string[]> = {
    server: ['host', 'port', 'trustedProxies'],
    session: ['cookieName', 'cookieDomain', 'secret', 'secretFile', 'lifetime'],
    okta: ['orgUrl', 'apiToken', 'apiTokenFile', 'numberChallenge', 'requestTimeout'],
    users: ['login', 'oktaUserId', 'factorId'],
    limits: ['pushesPerUser', 'pushStartsPerIp', 'statusPollsPerIp', 'denialCooldown'],
    log: ['level']
  }
  if (path.length === 0) return top
  const section = String(path[0])
  if (section === 'limits' && path.length === 2) return ['max', 'window']
  return nested[section] ?? []
}

/** Returns the known key closest to `key` by edit distance, when it is close enough to be a typo. */
function closest (key: string, known: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined
}

function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(current[j - 1]! + 1, previous[j]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}
