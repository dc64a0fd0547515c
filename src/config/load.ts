/**
 * Loading the configuration: read the YAML file, expand `${VAR}` from the environment, validate
 * against the schema, run the cross-key checks, and fail once with every problem listed.
 */
import { readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import { createError } from '../errors.ts'
import { checkConfig, viewConfig, type ConfigProblem } from './checks.ts'
import { describeDefaultIssue, describeIssue, describeYamlError, formatProblems } from './messages.ts'
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

  const expansionProblems: ConfigProblem[] = []
  const expanded = expandEnvironment(section, env, ['okta'], expansionProblems)
  const result = configSchema.shape.okta.safeParse(expanded, { error: describeDefaultIssue })
  const issues = result.success ? [] : result.error.issues.map((issue) => describeIssue({ ...issue, path: ['okta', ...issue.path] }, { okta: expanded }))

  const problems = [...expansionProblems, ...withoutEchoes(issues, expansionProblems)]
  if (problems.length > 0 || !result.success) {
    throw createError('CONFIG_INVALID', [path, formatProblems(problems, { okta: expanded })])
  }
  return Object.freeze(result.data)
}

/**
 * Drops the problems at a key whose `${VAR}` failed to expand: that key already has its own
 * problem, and the others only echo the empty string that stood in for the variable.
 */
function withoutEchoes (problems: readonly ConfigProblem[], expansionProblems: readonly ConfigProblem[]): ConfigProblem[] {
  const expansionPaths = new Set(expansionProblems.map((problem) => problem.path))
  return problems.filter((problem) => !expansionPaths.has(problem.path))
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
    const lines = document.errors.map((error) => `  - ${describeYamlError(error)}`)
    throw createError('CONFIG_INVALID', [source, lines.join('\n')])
  }
  return document.toJS() ?? {}
}

/**
 * Validates an already parsed configuration object, expanding `${VAR}` in its strings first. The
 * cross-key checks run even when the schema rejects the object, so one run lists every problem.
 */
export function parseConfigObject (raw: unknown, source: string, env: Environment = process.env): Config {
  const expansionProblems: ConfigProblem[] = []
  const expanded = expandEnvironment(raw, env, [], expansionProblems)

  const result = configSchema.safeParse(expanded, { error: describeDefaultIssue })
  const issues = result.success ? [] : result.error.issues.map((issue) => describeIssue(issue, expanded))
  const crossKeyProblems = checkConfig(viewConfig(expanded))

  const problems = [...expansionProblems, ...withoutEchoes([...issues, ...crossKeyProblems], expansionProblems)]
  if (problems.length > 0 || !result.success) {
    throw createError('CONFIG_INVALID', [source, formatProblems(problems, expanded)])
  }
  return Object.freeze(result.data)
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
