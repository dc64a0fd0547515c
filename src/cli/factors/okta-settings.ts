/**
 * The Okta settings of the factor commands (enroll, factors, test-push, unenroll): the `okta`
 * section of a configuration file, or the OKTA_* environment variables. Nothing else of the
 * configuration is read, so these commands work before the rest of the gateway is configured.
 */
import { loadOktaSection, type Environment, type OktaConfig } from '../../config/load.ts'
import { configSchema } from '../../config/schema.ts'
import { PushgateError } from '../../errors.ts'
import { CliError } from '../exit.ts'

/** Time limit of each Okta call when the settings come from the environment, in milliseconds, as in the configuration. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

export interface OktaSettings {
  orgUrl: URL
  apiToken: string
  /** The configured default for test-push; true when the settings come from the environment. */
  numberChallenge: boolean
  requestTimeoutMs: number
  /** The setting the API token comes from, for messages, such as `OKTA_API_TOKEN`. It never contains the token. */
  tokenSetting: string
  /** The setting the org URL comes from, for messages, such as `OKTA_ORG_URL`. */
  orgUrlSetting: string
}

/** Names of the environment variables, keyed by the `okta` key each one stands for. */
const VARIABLES = {
  orgUrl: 'OKTA_ORG_URL',
  apiToken: 'OKTA_API_TOKEN',
  apiTokenFile: 'OKTA_API_TOKEN_FILE'
} as const

/**
 * Resolves the Okta settings from `--config FILE`, else from OKTA_ORG_URL with OKTA_API_TOKEN or
 * OKTA_API_TOKEN_FILE, else from the file in PUSHGATE_CONFIG. The OKTA_* variables come before
 * PUSHGATE_CONFIG because they name exactly the settings these commands need.
 * Throws CliError (exit 2) listing every problem.
 */
export function resolveOktaSettings (configOption: string | undefined, env: Environment = process.env): OktaSettings {
  if (configOption !== undefined) return fromConfigFile(configOption, env)
  if (isSet(env.OKTA_ORG_URL)) return fromEnvironment(env)
  if (isSet(env.PUSHGATE_CONFIG)) return fromConfigFile(env.PUSHGATE_CONFIG, env)
  throw new CliError('No Okta settings given. Set OKTA_ORG_URL and OKTA_API_TOKEN, or pass --config FILE to use the okta section of a pushgate configuration.')
}

function isSet (value: string | undefined): value is string {
  return value !== undefined && value !== ''
}

/** Returns the settings of the validated `okta` section of the configuration file at `path`. */
export function settingsFromConfig (okta: OktaConfig, path: string): OktaSettings {
  return {
    ...okta,
    tokenSetting: `okta.apiToken (or okta.apiTokenFile) in ${path}`,
    orgUrlSetting: `okta.orgUrl in ${path}`
  }
}

function fromConfigFile (path: string, env: Environment): OktaSettings {
  try {
    return settingsFromConfig(loadOktaSection(path, env), path)
  } catch (error) {
    if (error instanceof PushgateError) throw new CliError(error.message)
    throw error
  }
}

function fromEnvironment (env: Environment): OktaSettings {
  const problems: string[] = []
  const input: Record<string, string> = { orgUrl: env.OKTA_ORG_URL ?? '' }
  if (env.OKTA_API_TOKEN !== undefined) input.apiToken = env.OKTA_API_TOKEN
  if (isSet(env.OKTA_API_TOKEN_FILE)) input.apiTokenFile = env.OKTA_API_TOKEN_FILE

  if (input.apiToken !== undefined && input.apiTokenFile !== undefined) {
    problems.push('OKTA_API_TOKEN_FILE is set together with OKTA_API_TOKEN; keep only one of them')
  } else if (input.apiToken === undefined && input.apiTokenFile === undefined) {
    problems.push('OKTA_API_TOKEN is not set; set it to an Okta API token (Security > API > Tokens in the Okta Admin Console), or set OKTA_API_TOKEN_FILE to a file that contains one')
  }

  const result = problems.length === 0 ? configSchema.shape.okta.safeParse(input) : undefined
  if (result !== undefined && !result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? 'orgUrl') as keyof typeof VARIABLES
      problems.push(`${VARIABLES[key] ?? VARIABLES.orgUrl} ${issue.message}`)
    }
  }
  if (result === undefined || !result.success) {
    throw new CliError(`Invalid Okta settings in the environment:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
  }

  return {
    orgUrl: result.data.orgUrl,
    apiToken: result.data.apiToken,
    numberChallenge: true,
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    tokenSetting: input.apiTokenFile === undefined ? VARIABLES.apiToken : `the file in ${VARIABLES.apiTokenFile}`,
    orgUrlSetting: VARIABLES.orgUrl
  }
}
