/**
 * The configuration schema: the one source of every key, its default and the TypeScript type of the
 * parsed configuration. Durations are written with a unit in YAML (`12h`) and come out of the
 * schema in milliseconds under a key that names the unit (`lifetimeMs`).
 *
 * A rule that needs only one key is a check or transform on that key, so it reports even when a
 * sibling key fails: Zod skips an object's own checks and transforms once any key inside it has an
 * issue. The exceptions are the `secret`/`secretFile` and `apiToken`/`apiTokenFile` pairs, whose
 * checks run on whatever the object contains (`when: isObject`). Checks that compare several sections
 * (cookie domain against publicUrl, cookie prefixes, duplicate logins) live in src/config/checks.ts.
 * Reading the file and expanding `${VAR}` lives in src/config/load.ts.
 */
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import * as z from 'zod'
import { TOKEN_PATTERN } from '../okta/client.ts'
import { parseDurationMs } from './duration.ts'

/** Secrets shorter than this are rejected; iron-session needs at least 32 characters. */
export const MIN_SECRET_LENGTH = 32

const GENERATE_SECRET_HINT = 'generate one with: openssl rand -base64 32'

function duration (example: string) {
  const hint = `write a positive duration with a unit, such as ${example} (units: ms, s, m, h, d)`
  return z.string({ error: hint }).transform((text, ctx) => {
    const ms = parseDurationMs(text)
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `is ${JSON.stringify(text)}; ${hint}` })
      return z.NEVER
    }
    return ms
  })
}

/** Returns a schema for a whole number from `min` to `max`, with one message for every way a value can fail it. */
function wholeNumber (min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const error = max === Number.MAX_SAFE_INTEGER
    ? `it must be a whole number of at least ${min}`
    : `it must be a whole number from ${min} to ${max}`
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error })
}

/**
 * Rejects a secret that is short or made of very few distinct characters. `file` names the file
 * the secret came from; without it the message describes the value itself without showing it.
 */
function checkSecret (secret: string, ctx: z.RefinementCtx, where: { path?: string[], file?: string } = {}): void {
  const subject = where.file === undefined ? 'is set but' : `is ${JSON.stringify(where.file)}, whose secret`
  if (secret.length < MIN_SECRET_LENGTH) {
    const length = where.file === undefined ? 'is' : `${subject} is`
    ctx.addIssue({
      code: 'custom',
      path: where.path ?? [],
      message: `${length} ${secret.length} characters; it must be at least ${MIN_SECRET_LENGTH} (${GENERATE_SECRET_HINT})`
    })
    return
  }
  if (new Set(secret).size < 8) {
    ctx.addIssue({
      code: 'custom',
      path: where.path ?? [],
      message: `${subject} uses fewer than 8 distinct characters, which is too easy to guess (${GENERATE_SECRET_HINT})`
    })
  }
}

/**
 * Reads a secret from a file (Docker secrets, Kubernetes secret volumes), dropping one trailing
 * newline, as `echo secret > file` writes it.
 */
function readSecretFile (path: string, ctx: z.RefinementCtx): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    ctx.addIssue({ code: 'custom', message: `is ${JSON.stringify(path)}, which cannot be read (${reason}); check the path and the file's permissions` })
    return undefined
  }
}

/** True for a parsed mapping; the checks that read several keys of a section run only on one. */
function isObject (payload: { value: unknown }): boolean {
  return payload.value !== null && typeof payload.value === 'object' && !Array.isArray(payload.value)
}

function httpUrl (what: string) {
  return z.string({ error: `write an absolute URL such as https://${what}` }).transform((text, ctx) => {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      ctx.addIssue({ code: 'custom', message: `is ${JSON.stringify(text)}; write an absolute URL such as https://${what}` })
      return z.NEVER
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      ctx.addIssue({ code: 'custom', message: `is ${JSON.stringify(text)}; only http and https URLs are allowed` })
      return z.NEVER
    }
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
      ctx.addIssue({ code: 'custom', message: `is ${JSON.stringify(text)}; remove the user name, query and fragment` })
      return z.NEVER
    }
    return url
  })
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

/** True when `hostname` (as URL.hostname gives it) is this machine. */
export function isLoopbackHost (hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

const CIDR_HINT = 'write an address or range such as 10.0.0.0/8, 172.16.0.0/12 or ::1/128'

const cidr = z.string({ error: `it must be a string; ${CIDR_HINT}` }).refine((text) => {
  const [address, bits, ...rest] = text.split('/')
  if (rest.length > 0 || address === undefined || isIP(address) === 0) return false
  if (bits === undefined) return true
  const max = isIP(address) === 4 ? 32 : 128
  return /^\d+$/.test(bits) && Number(bits) <= max
}, { error: (issue) => `is ${JSON.stringify(issue.input)}, which is not an IP address or CIDR range; ${CIDR_HINT}` })

const serverSchema = z.strictObject({
  /** Address to listen on. Default 0.0.0.0 (all IPv4 interfaces). */
  host: z.string().min(1, { error: 'is empty; write an address such as 0.0.0.0 (every IPv4 interface) or 127.0.0.1' }).default('0.0.0.0'),
  /** TCP port. Default 9091. 0 picks a free port. */
  port: wholeNumber(0, 65_535).default(9091),
  /**
   * Addresses whose X-Forwarded-* and X-Original-* headers are believed. Default: loopback only.
   * Add the network your proxy reaches pushgate from (for Docker: 172.16.0.0/12).
   */
  trustedProxies: z.array(cidr).default(['127.0.0.1/8', '::1/128'])
}).prefault({})

const SECRET_MAP_HINT = 'write one secret, or a map such as {1: <old secret>, 2: <new secret>}; the highest id seals new cookies'

/** Schema of `session.secret`: one secret, or a map of positive whole-number ids to secrets for rotation. Each secret is checked here. */
const secretValue = z.unknown().transform((value, ctx): string | Record<string, string> => {
  if (typeof value === 'string') {
    checkSecret(value, ctx)
    return value
  }
  const entries = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : undefined
  if (entries === undefined) {
    ctx.addIssue({ code: 'custom', message: `is a ${Array.isArray(value) ? 'list' : value === null ? 'null value' : typeof value}; ${SECRET_MAP_HINT}` })
    return z.NEVER
  }
  if (entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: `is an empty map; give at least one secret, such as 1: <secret> (${GENERATE_SECRET_HINT})` })
  }
  const map: Record<string, string> = {}
  for (const [id, secret] of entries) {
    if (!/^[1-9]\d{0,8}$/.test(id)) {
      ctx.addIssue({ code: 'custom', message: `has the id ${JSON.stringify(id)}; secret ids must be positive whole numbers (${SECRET_MAP_HINT})` })
    } else if (typeof secret !== 'string') {
      ctx.addIssue({ code: 'custom', path: [id], message: `is a ${secret === null ? 'null value' : typeof secret}; write the secret as a string (${GENERATE_SECRET_HINT})` })
    } else {
      checkSecret(secret, ctx, { path: [id] })
      map[id] = secret
    }
  }
  return map
})

/** Schema of `session.secretFile`: the path of a file holding the secret. It outputs the secret, checked like `secret`. */
const secretFile = z.string().transform((path, ctx) => {
  const secret = readSecretFile(path, ctx)
  if (secret === undefined) return z.NEVER
  checkSecret(secret, ctx, { file: path })
  return secret
})

/** Reports `secret` and `secretFile` set together or both missing. */
function checkSecretSource (session: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (session.secret !== undefined && session.secretFile !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['secretFile'], message: 'is set together with session.secret; keep only one of them' })
  } else if (session.secret === undefined && session.secretFile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['secret'], message: `is missing; set session.secret or session.secretFile (${GENERATE_SECRET_HINT})` })
  }
}

const sessionSchema = z.strictObject({
  /** Cookie name, used verbatim; a `__Secure-` or `__Host-` prefix is checked against the cookie's attributes. */
  cookieName: z.string().regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, {
    error: 'it must contain only letters, digits and !#$%&\'*+-.^_`|~ (a cookie name token, RFC 6265)'
  }).default('pushgate_session'),
  /** Cookie domain shared by all protected hosts. Omitted: a host-only cookie on publicUrl's host. */
  cookieDomain: z.string().optional(),
  /** The sealing secret (≥ 32 characters), or a map id → secret for rotation. */
  secret: secretValue.optional(),
  /** A file holding the secret, instead of `secret`. */
  secretFile: secretFile.optional(),
  /** How long a session lasts after the push is approved. Default 12h. */
  lifetime: duration('12h').default(12 * 3_600_000)
}).superRefine(checkSecretSource, { when: isObject }).transform((session) => {
  const secret = session.secretFile ?? session.secret
  return {
    cookieName: session.cookieName,
    cookieDomain: session.cookieDomain,
    /** Secrets by numeric id: the highest id seals, all of them unseal. */
    secrets: typeof secret === 'string' ? { 1: secret } : secret ?? {},
    lifetimeMs: session.lifetime
  }
})

const TOKEN_HINT = 'create a token in the Okta Admin Console under Security > API > Tokens'
const COPY_TOKEN_HINT = 'copy the token again from the Okta Admin Console (Security > API > Tokens)'

/**
 * Rejects an API token the Okta client would reject: it goes into the Authorization header, so it
 * must be visible ASCII without spaces (TOKEN_PATTERN in src/okta/client.ts). `file` names the file
 * the token came from; the token itself is never shown.
 */
function checkApiToken (token: string, ctx: z.RefinementCtx, file?: string): void {
  const subject = file === undefined ? 'is' : `is ${JSON.stringify(file)}, whose token is`
  if (token.trim() === '') {
    ctx.addIssue({ code: 'custom', message: `${subject} empty; ${TOKEN_HINT}` })
  } else if (!TOKEN_PATTERN.test(token)) {
    const where = file === undefined ? 'is set but contains' : `is ${JSON.stringify(file)}, whose token contains`
    const fileHint = file === undefined ? '' : ', and end the file with at most one newline'
    ctx.addIssue({
      code: 'custom',
      message: `${where} spaces, line breaks, control or non-ASCII characters. An Okta API token is visible ASCII without spaces; ${COPY_TOKEN_HINT}${fileHint}`
    })
  }
}

/** Reports `apiToken` and `apiTokenFile` set together or both missing. */
function checkApiTokenSource (okta: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (okta.apiToken !== undefined && okta.apiTokenFile !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['apiTokenFile'], message: 'is set together with okta.apiToken; keep only one of them' })
  } else if (okta.apiToken === undefined && okta.apiTokenFile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'is missing; set okta.apiToken (for example ${OKTA_API_TOKEN}) or okta.apiTokenFile' })
  }
}

/** Schema of `okta.orgUrl`. It outputs the URL's origin. */
const oktaOrgUrl = httpUrl('example.okta.com').transform((url, ctx) => {
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    ctx.addIssue({ code: 'custom', message: `is ${JSON.stringify(url.href)}; Okta must be reached over https (http is allowed only on loopback, for the simulator)` })
    return z.NEVER
  }
  return new URL(url.origin)
})

const oktaSchema = z.strictObject({
  /** The Okta org URL, such as https://example.okta.com. http is accepted only on loopback (the simulator). */
  orgUrl: oktaOrgUrl,
  /** An Okta API token (SSWS). */
  apiToken: z.string().transform((token, ctx) => {
    checkApiToken(token, ctx)
    return token
  }).optional(),
  /** A file holding the API token, instead of `apiToken`. The output is the token. */
  apiTokenFile: z.string().transform((path, ctx) => {
    const token = readSecretFile(path, ctx)
    if (token === undefined) return z.NEVER
    checkApiToken(token, ctx, path)
    return token
  }).optional(),
  /** Ask Okta Verify to show a number the person must tap. Default true. */
  numberChallenge: z.boolean().default(true),
  /** Time limit of each Okta API call. Default 10s. */
  requestTimeout: duration('10s').default(10_000)
}).superRefine(checkApiTokenSource, { when: isObject }).transform((okta) => ({
  orgUrl: okta.orgUrl,
  apiToken: okta.apiTokenFile ?? okta.apiToken ?? '',
  numberChallenge: okta.numberChallenge,
  requestTimeoutMs: okta.requestTimeout
}))

/** The shape of every Okta object id: 20 letters and digits, such as 00u1abcd2EFGH3ijk4l5. */
export const OKTA_ID_PATTERN = /^[A-Za-z0-9]{20}$/

const oktaId = (prefix: string) => z.string().regex(OKTA_ID_PATTERN, {
  error: (issue) => `is ${JSON.stringify(issue.input)}, which is not an Okta id; Okta ids are 20 letters and digits, such as ${prefix}1abcd2EFGH3ijk4l5. ` +
    'Copy the id pushgate enroll prints, or remove the key to have pushgate look it up'
})

const userSchema = z.strictObject({
  /** The Okta login, usually an email address. */
  login: z.string().trim()
    .min(1, { error: 'is empty; write the person\'s Okta login, such as alice@example.com' })
    .max(256, { error: 'it must be at most 256 characters, as Okta logins are' }),
  /** Pinned Okta user id; skips the lookup by login. */
  oktaUserId: oktaId('00u').optional(),
  /** Pinned push factor id; skips the factor lookup. */
  factorId: oktaId('opf').optional()
})

/** A limit of `max` events per `window`. */
const rateLimit = (max: number, window: string, windowMs: number) => z.strictObject({
  max: wholeNumber(1).default(max),
  window: duration(window).default(windowMs)
}).prefault({}).transform((limit) => ({ max: limit.max, windowMs: limit.window }))

const limitsSchema = z.strictObject({
  /** Pushes sent to one user per window, whatever their source. Default 5 per 15m. */
  pushesPerUser: rateLimit(5, '15m', 15 * 60_000),
  /** Push starts from one client IP per window. Default 10 per 15m. */
  pushStartsPerIp: rateLimit(10, '15m', 15 * 60_000),
  /** Status polls from one client IP per window. Default 300 per 1m (several tabs polling every 2s). */
  statusPollsPerIp: rateLimit(300, '1m', 60_000),
  /** No new push to a user for this long after they deny one. Default 2m. */
  denialCooldown: duration('2m').default(2 * 60_000)
}).transform((limits) => ({
  pushesPerUser: limits.pushesPerUser,
  pushStartsPerIp: limits.pushStartsPerIp,
  statusPollsPerIp: limits.statusPollsPerIp,
  denialCooldownMs: limits.denialCooldown
}))

const logSchema = z.strictObject({
  /** pino level: fatal, error, warn, info, debug, trace or silent. Default info. */
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
}).prefault({})

export const configSchema = z.strictObject({
  server: serverSchema,
  /** The URL where browsers reach pushgate. Its path is the prefix of every pushgate route. */
  publicUrl: httpUrl('auth.example.com'),
  /** The target after login or logout without a valid `rd`. Default: publicUrl. */
  defaultRedirectUrl: httpUrl('home.example.com').optional(),
  session: sessionSchema,
  okta: oktaSchema,
  /** The people who may sign in. */
  users: z.array(userSchema).min(1, { message: 'is empty; list at least one user, such as - login: alice@example.com' }),
  limits: limitsSchema.prefault({}),
  log: logSchema
})

/** The parsed configuration, with defaults filled in and durations in milliseconds. */
export type Config = z.output<typeof configSchema>

/** The configuration as written in YAML, before defaults. */
export type ConfigInput = z.input<typeof configSchema>
