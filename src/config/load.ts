/**
 * Loading the configuration: read the YAML file, expand `${VAR}` from the environment, validate
 * against the schema, run the cross-key checks, and fail once with every problem listed.
 */
import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import type * as z from 'zod'
import { createError } from '../errors.ts'
import { checkConfig, type ConfigProblem } from './checks.ts'
import { configSchema, isLoopbackHost, type Config } from './schema.ts'

export type Environment = Record<string, string | undefined>

/** Reads, expands and validates the configuration file at `path`. Throws PG_ERR_CONFIG_* errors. */
export function loadConfigFile (path: string, env: Environment = process.env): Config {
  return parseConfigText(readConfigText(path), path, env)
}

/** Parses YAML text as a configuration; `source` names it in error messages. */
export function parseConfigText (text: string, source: string, env: Environment = process.env): Config {
  return parseConfigObject(parseYaml(text, source), source, env)
}

/** The validated `okta` section, as the full configuration has it. */
export type OktaConfig = Config['okta']

/**
 * Reads, expands and validates only the `okta` section of the configuration file at `path`, for
 * commands that call Okta without running the gateway (`pushgate enroll`). The other sections are
 * neither validated nor expanded, so their unset variables do not matter. Throws PG_ERR_CONFIG_* errors.
 */
export function loadOktaSection (path: string, env: Environment = process.env): OktaConfig {
  const raw = parseYaml(readConfigText(path), path)
  const section = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).okta : undefined

  const problems: ConfigProblem[] = []
  const expanded = expandEnvironment(section, env, ['okta'], problems)
  const result = configSchema.shape.okta.safeParse(expanded)
  if (!result.success) {
    const expansionPaths = new Set(problems.map((problem) => problem.path))
    const issues = result.error.issues.map((issue) => describeIssue({ ...issue, path: ['okta', ...issue.path] }, { okta: expanded }))
    problems.push(...issues.filter((problem) => !expansionPaths.has(problem.path)))
  }

  if (problems.length > 0 || !result.success) {
    const lines = problems.map((problem) => `  - ${problem.path} ${problem.message}`)
    throw createError('CONFIG_INVALID', [path, lines.join('\n')])
  }
  return Object.freeze(result.data)
}

function readConfigText (path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(error)
    throw createError('CONFIG_NOT_FOUND', [path, reason])
  }
}

function parseYaml (text: string, source: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true })
  if (document.errors.length > 0) {
    const lines = document.errors.map((error) => `  - YAML syntax: ${error.message.split('\n')[0]}`)
    throw createError('CONFIG_INVALID', [source, lines.join('\n')])
  }
  return document.toJS() ?? {}
}

/** Validates an already parsed configuration object, expanding `${VAR}` in its strings first. */
export function parseConfigObject (raw: unknown, source: string, env: Environment = process.env): Config {
  const expansionProblems: ConfigProblem[] = []
  const expanded = expandEnvironment(raw, env, [], expansionProblems)

  const result = configSchema.safeParse(expanded)
  const problems = [...expansionProblems]
  if (result.success) {
    problems.push(...checkConfig(result.data))
  } else {
    // A variable that failed to expand already has its own problem; skip the echo from the schema.
    const expansionPaths = new Set(expansionProblems.map((problem) => problem.path))
    const issues = result.error.issues.map((issue) => describeIssue(issue, expanded))
    problems.push(...issues.filter((problem) => !expansionPaths.has(problem.path)))
  }

  if (problems.length > 0) {
    const lines = problems.map((problem) => `  - ${problem.path === '' ? '(top level)' : problem.path} ${problem.message}`)
    throw createError('CONFIG_INVALID', [source, lines.join('\n')])
  }
  return Object.freeze((result as { data: Config }).data)
}

/** Returns start-up warnings for settings that are allowed but weaken security. */
export function configWarnings (config: Config): string[] {
  const warnings: string[] = []
  if (config.publicUrl.protocol === 'http:' && !isLoopbackHost(config.publicUrl.hostname)) {
    warnings.push(`publicUrl ${config.publicUrl.href} is http: the session cookie is sent without the Secure attribute and can be read on the network. Serve pushgate over https.`)
  }
  if (config.server.trustedProxies.some((range) => range === '0.0.0.0/0' || range === '::/0')) {
    warnings.push('server.trustedProxies trusts every address: any client can forge X-Forwarded-* headers. List only your proxies\' networks.')
  }
  return warnings
}

const VARIABLE_PATTERN = /\$\$|\$\{([^}]*)\}/g

/**
 * Replaces `${VAR}` in every string with the environment's value; `$$` writes a literal `$`.
 * An unset variable is a problem naming it, never an empty string.
 */
function expandEnvironment (value: unknown, env: Environment, path: string[], problems: ConfigProblem[]): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE_PATTERN, (match, name: string | undefined) => {
      if (match === '$$') return '$'
      if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        problems.push({ path: path.join('.'), message: `contains ${match}, which is not a valid variable reference; write \${NAME} with letters, digits and underscores, or $$ for a literal $` })
        return match
      }
      const replacement = env[name]
      if (replacement === undefined) {
        problems.push({ path: path.join('.'), message: `uses \${${name}}, but the environment variable ${name} is not set; set it, or use the …File variant of the key to read the value from a file` })
        return ''
      }
      return replacement
    })
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => expandEnvironment(item, env, [...path, String(index)], problems))
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandEnvironment(item, env, [...path, key], problems)]))
  }
  return value
}

const SECRET_KEYS = /(secret|token|password)/i

/** Turns a schema issue into a problem that names the key, shows the value and suggests the fix. */
function describeIssue (issue: z.core.$ZodIssue, input: unknown): ConfigProblem {
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

  const value = valueAt(input, issue.path)
  const shown = value === undefined
    ? 'is missing'
    : SECRET_KEYS.test(path) ? 'is set' : `is ${JSON.stringify(value)}`

  if (issue.code === 'custom' || issue.message.startsWith('is ')) return { path, message: issue.message }
  if (value === undefined && issue.code === 'invalid_type') return { path, message: `is missing; it must be ${describeExpected(issue.expected)}` }
  if (issue.code === 'invalid_type') return { path, message: `${shown}; it must be ${describeExpected(issue.expected)}` }
  return { path, message: `${shown}; ${issue.message}` }
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

function valueAt (input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
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
