/**
 * The configuration schema: the one source of every key, its default and the TypeScript type of the
 * parsed configuration. Durations are written with a unit in YAML (`12h`) and come out of the
 * schema in milliseconds under a key that names the unit (`lifetimeMs`).
 *
 * Checks that need several keys at once (cookie domain against publicUrl, cookie prefixes) live in
 * src/config/checks.ts; reading the file and expanding `${VAR}` lives in src/config/load.ts.
 */
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import * as z from 'zod'
import { parseDurationMs } from './duration.ts'

/** Secrets shorter than this are rejected; iron-session needs at least 32 characters. */
export const MIN_SECRET_LENGTH = 32

const GENERATE_SECRET_HINT = 'generate one with: openssl rand -base64 32'

function duration (example: string) {
  return z.string().transform((text, ctx) => {
    const ms = parseDurationMs(text)
    if (ms === undefined || ms <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `is ${JSON.stringify(text)}; write a positive duration with a unit, such as ${example} (units: ms, s, m, h, d)`
      })
      return z.NEVER
    }
    return ms
  })
}

/** Rejects secrets that are short or made of very few distinct characters. */
function checkSecret (secret: string, path: string, ctx: z.RefinementCtx): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    ctx.addIssue({
      code: 'custom',
      path: [path],
      message: `is ${secret.length} characters; it must be at least ${MIN_SECRET_LENGTH} (${GENERATE_SECRET_HINT})`
    })
    return
  }
  if (new Set(secret).size < 8) {
    ctx.addIssue({
      code: 'custom',
      path: [path],
      message: `uses fewer than 8 distinct characters, which is too easy to guess (${GENERATE_SECRET_HINT})`
    })
  }
}

/**
 * Reads a secret from a file (Docker secrets, Kubernetes secret volumes), dropping one trailing
 * newline, as `echo secret > file` writes it.
 */
function readSecretFile (path: string, key: string, ctx: z.RefinementCtx): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    ctx.addIssue({ code: 'custom', path: [key], message: `cannot read ${JSON.stringify(path)} (${reason}); check the path and the file's permissions` })
    return undefined
  }
}

function httpUrl (what: string) {
  return z.string().transform((text, ctx) => {
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

const cidr = z.string().refine((text) => {
  const [address, bits, ...rest] = text.split('/')
  if (rest.length > 0 || address === undefined || isIP(address) === 0) return false
  if (bits === undefined) return true
  const max = isIP(address) === 4 ? 32 : 128
  return /^\d+$/.test(bits) && Number(bits) <= max
}, { message: 'is not an IP address or CIDR range; write one such as 10.0.0.0/8, 172.16.0.0/12 or ::1/128' })

const serverSchema = z.strictObject({
  /** Address to listen on. Default 0.0.0.0 (all IPv4 interfaces). */
  host: z.string().min(1).default('0.0.0.0'),
  /** TCP port. Default 9091. 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(9091),
  /**
   * Addresses whose X-Forwarded-* and X-Original-* headers are believed. Default: loopback only.
   * Add the network your proxy reaches pushgate from (for Docker: 172.16.0.0/12).
   */
  trustedProxies: z.array(cidr).default(['127.0.0.1/8', '::1/128'])
}).prefault({})

const SECRET_MAP_HINT = 'write one secret, or a map such as {1: <old secret>, 2: <new secret>}; the highest id seals new cookies'

/** A single secret, or a map of positive whole-number ids to secrets (rotation). */
const secretValue = z.unknown().transform((value, ctx): string | Record<string, string> => {
  if (typeof value === 'string') return value
  const entries = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : undefined
  if (entries === undefined) {
    ctx.addIssue({ code: 'custom', message: `is a ${Array.isArray(value) ? 'list' : typeof value}; ${SECRET_MAP_HINT}` })
    return z.NEVER
  }
  const map: Record<string, string> = {}
  for (const [id, secret] of entries) {
    if (!/^[1-9]\d{0,8}$/.test(id)) {
      ctx.addIssue({ code: 'custom', message: `has the id ${JSON.stringify(id)}; secret ids must be positive whole numbers (${SECRET_MAP_HINT})` })
    } else if (typeof secret !== 'string') {
      ctx.addIssue({ code: 'custom', path: [id], message: 'must be a string' })
    } else {
      map[id] = secret
    }
  }
  return map
})

const sessionSchema = z.strictObject({
  /** Cookie name, used verbatim; a `__Secure-` or `__Host-` prefix is checked against the cookie's attributes. */
  cookieName: z.string().regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/, {
    message: 'must contain only letters, digits and !#$%&\'*+-.^_`|~ (a cookie name token, RFC 6265)'
  }).default('pushgate_session'),
  /** Cookie domain shared by all protected hosts. Omitted: a host-only cookie on publicUrl's host. */
  cookieDomain: z.string().optional(),
  /** The sealing secret (≥ 32 characters), or a map id → secret for rotation. */
  secret: secretValue.optional(),
  /** A file holding the secret, instead of `secret`. */
  secretFile: z.string().optional(),
  /** How long a session lasts after the push is approved. Default 12h. */
  lifetime: duration('12h').default(12 * 3_600_000)
}).transform((session, ctx) => {
  let secrets: Record<string, string> | undefined
  if (session.secret !== undefined && session.secretFile !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['secretFile'], message: 'is set together with session.secret; keep only one of them' })
  } else if (session.secretFile !== undefined) {
    const secret = readSecretFile(session.secretFile, 'secretFile', ctx)
    if (secret !== undefined) {
      checkSecret(secret, 'secretFile', ctx)
      secrets = { 1: secret }
    }
  } else if (typeof session.secret === 'string') {
    checkSecret(session.secret, 'secret', ctx)
    secrets = { 1: session.secret }
  } else if (session.secret !== undefined) {
    if (Object.keys(session.secret).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: `is an empty map; give at least one secret, such as 1: <secret> (${GENERATE_SECRET_HINT})` })
    }
    for (const [id, secret] of Object.entries(session.secret)) checkSecret(secret, `secret.${id}`, ctx)
    secrets = session.secret
  } else {
    ctx.addIssue({ code: 'custom', path: ['secret'], message: `is missing; set session.secret or session.secretFile (${GENERATE_SECRET_HINT})` })
  }

  return {
    cookieName: session.cookieName,
    cookieDomain: session.cookieDomain,
    /** Secrets by numeric id: the highest id seals, all of them unseal. */
    secrets: secrets ?? {},
    lifetimeMs: session.lifetime
  }
})

const oktaSchema = z.strictObject({
  /** The Okta org URL, such as https://example.okta.com. http is accepted only on loopback (the simulator). */
  orgUrl: httpUrl('example.okta.com'),
  /** An Okta API token (SSWS). */
  apiToken: z.string().optional(),
  /** A file holding the API token, instead of `apiToken`. */
  apiTokenFile: z.string().optional(),
  /** Ask Okta Verify to show a number the person must tap. Default true. */
  numberChallenge: z.boolean().default(true),
  /** Time limit of each Okta API call. Default 10s. */
  requestTimeout: duration('10s').default(10_000)
}).transform((okta, ctx) => {
  if (okta.orgUrl.protocol === 'http:' && !isLoopbackHost(okta.orgUrl.hostname)) {
    ctx.addIssue({ code: 'custom', path: ['orgUrl'], message: `is ${JSON.stringify(okta.orgUrl.href)}; Okta must be reached over https (http is allowed only on loopback, for the simulator)` })
  }

  let apiToken: string | undefined
  if (okta.apiToken !== undefined && okta.apiTokenFile !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['apiTokenFile'], message: 'is set together with okta.apiToken; keep only one of them' })
  } else if (okta.apiTokenFile !== undefined) {
    apiToken = readSecretFile(okta.apiTokenFile, 'apiTokenFile', ctx)
  } else {
    apiToken = okta.apiToken
  }
  if (apiToken === undefined && okta.apiTokenFile === undefined) {
    ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'is missing; set okta.apiToken (for example ${OKTA_API_TOKEN}) or okta.apiTokenFile' })
  } else if (apiToken !== undefined && apiToken.trim() === '') {
    ctx.addIssue({ code: 'custom', path: ['apiToken'], message: 'is empty; create a token in the Okta Admin Console under Security > API > Tokens' })
  }

  return {
    orgUrl: new URL(okta.orgUrl.origin),
    apiToken: apiToken ?? '',
    numberChallenge: okta.numberChallenge,
    requestTimeoutMs: okta.requestTimeout
  }
})

const oktaId = (prefix: string) => z.string().regex(/^[A-Za-z0-9]{20}$/, {
  message: `is not an Okta id; Okta ids are 20 letters and digits, such as ${prefix}1abcd2EFGH3ijk4l5 (pushgate enroll prints them)`
})

const userSchema = z.strictObject({
  /** The Okta login, usually an email address. */
  login: z.string().trim().min(1).max(256),
  /** Pinned Okta user id; skips the lookup by login. */
  oktaUserId: oktaId('00u').optional(),
  /** Pinned push factor id; skips the factor lookup. */
  factorId: oktaId('opf').optional()
})

/** A limit of `max` events per `window`. */
const rateLimit = (max: number, window: string, windowMs: number) => z.strictObject({
  max: z.number().int().min(1).default(max),
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
