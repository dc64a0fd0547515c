/**
 * What Traefik's ForwardAuth middleware does, written out so tests can send pushgate exactly the
 * requests Traefik sends and apply its responses the way Traefik does. There is no Traefik binary
 * on the test machines. Sources, read from traefik/traefik:
 * - pkg/middlewares/forwardedheaders/forwarded_header.go: the entry point removes X-Forwarded-*
 *   from clients outside forwardedHeaders.trustedIPs, then sets X-Forwarded-Proto (ws or wss on a
 *   WebSocket upgrade), -Host, -Port, -Server and X-Real-Ip.
 * - pkg/middlewares/auth/forward.go: the side request is a GET with no body carrying the client's
 *   headers minus hop-by-hop ones, plus X-Forwarded-Method, -Proto, -Host, -Uri and -For. A 2xx
 *   lets the request on with authResponseHeaders deleted from it and copied from the response;
 *   any other status goes to the client with the response's headers and body, and a relative Location
 *   is resolved against `address`. Set-Cookie on a 2xx is dropped. preserveRequestMethod (v3.4)
 *   sends the client's method instead of GET, and forwardBody (v3.3) sends the client's body.
 * - pkg/middlewares/headers/header.go: customRequestHeaders with an empty value deletes the
 *   header, any other value replaces it. Go's Header.Del and Set canonicalise the name first, and
 *   Go's server stores incoming names canonicalised, so `Remote_User: ""` also deletes a client's
 *   remote_user or REMOTE_USER (all stored as Remote_user).
 * - Chain middlewares run their members in order, and a name without `@provider` means the
 *   provider of the configuration that names it.
 * - trustForwardHeader: up to v2.11.42 and v3.6.13 (`legacy` here) false overwrote Method, Proto,
 *   Host, Uri and For, and true kept what the request carried. From v2.11.43 and v3.6.14
 *   (`current`) false removes every X-Forwarded-* header first and writes fresh ones with
 *   X-Forwarded-Port, true keeps them and fills in the missing ones, and unset behaves as legacy.
 * - maxResponseBodySize (v2.11.38, v3.6.9): a larger response body makes Traefik return 401 itself.
 */
export type TraefikBehaviour = 'legacy' | 'current'

export interface ForwardAuthSettings {
  address: string
  trustForwardHeader?: boolean
  authResponseHeaders: string[]
  maxResponseBodySize?: number
  preserveRequestMethod?: boolean
  forwardBody?: boolean
}

/**
 * One middleware's dynamic configuration as the file provider writes it, for the three types the
 * shipped configs use. Docker labels are read into the same shape.
 */
export interface MiddlewareConfig {
  chain?: { middlewares: string[] }
  headers?: { customRequestHeaders?: Record<string, string> }
  forwardAuth?: ForwardAuthSettings
}

/** A middleware that handles requests itself, in the order a router runs it. */
export type Middleware =
  | { name: string, kind: 'headers', customRequestHeaders: Record<string, string> }
  | { name: string, kind: 'forwardAuth', settings: ForwardAuthSettings }

/** A request as it reaches Traefik's entry point. */
export interface ClientRequest {
  method: string
  /** The URL the client asked for, such as https://app.example.test/reports?x=1 */
  url: string
  headers: Record<string, string>
  remoteAddress: string
  body?: string
}

/** Headers in Go's http.Header form: canonical names, each with its values. */
export type GoHeaders = Map<string, string[]>

export interface SideRequest {
  method: string
  url: string
  headers: GoHeaders
  body: string | undefined
}

export interface AuthResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export type TraefikOutcome =
  | { kind: 'forward', requestHeaders: GoHeaders }
  | { kind: 'respond', status: number, headers: GoHeaders, body: string }

// Go's net/http hop-by-hop list as Traefik applies it; Proxy-Authorization is kept on purpose.
const HOP_HEADERS = ['Connection', 'Keep-Alive', 'Te', 'Trailers', 'Transfer-Encoding', 'Upgrade']

const MANAGED_FORWARDED_HEADERS = [
  'X-Forwarded-Proto', 'X-Forwarded-Scheme', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Port',
  'X-Forwarded-Server', 'X-Forwarded-Uri', 'X-Forwarded-Method', 'X-Forwarded-Prefix',
  'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info', 'X-Scheme', 'X-Real-Ip'
]

/** Go's http.CanonicalHeaderKey: `remote-user` becomes `Remote-User`. */
export function canonicalHeaderKey (name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase())
}

function toGoHeaders (headers: Record<string, string | string[] | undefined>): GoHeaders {
  const result: GoHeaders = new Map()
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const key = canonicalHeaderKey(name)
    result.set(key, [...(result.get(key) ?? []), ...(Array.isArray(value) ? value : [value])])
  }
  return result
}

function first (headers: GoHeaders, name: string): string {
  return headers.get(name)?.[0] ?? ''
}

function isWebSocketUpgrade (headers: GoHeaders): boolean {
  const hasToken = (name: string, token: string): boolean =>
    first(headers, name).split(',').some((part) => part.trim().toLowerCase() === token)
  return hasToken('Connection', 'upgrade') && hasToken('Upgrade', 'websocket')
}

/**
 * Applies the entry point's forwarded-headers step to `request`. With `trustedIPs` empty (the
 * default) no client is trusted, and `insecure` trusts every client.
 */
export function applyEntryPoint (request: ClientRequest, options: { trustedIPs?: string[], insecure?: boolean } = {}): GoHeaders {
  const headers = toGoHeaders(request.headers)
  const trusted = options.insecure === true || (options.trustedIPs ?? []).includes(request.remoteAddress)
  if (!trusted) for (const name of MANAGED_FORWARDED_HEADERS) headers.delete(name)

  const url = new URL(request.url)
  const tls = url.protocol === 'https:'
  if (first(headers, 'X-Real-Ip') === '') headers.set('X-Real-Ip', [request.remoteAddress])
  if (first(headers, 'X-Forwarded-Proto') === '') {
    let proto = tls ? 'https' : 'http'
    if (isWebSocketUpgrade(headers)) proto = tls ? 'wss' : 'ws'
    headers.set('X-Forwarded-Proto', [proto])
  }
  if (first(headers, 'X-Forwarded-Port') === '') headers.set('X-Forwarded-Port', [url.port !== '' ? url.port : (tls ? '443' : '80')])
  if (first(headers, 'X-Forwarded-Host') === '') headers.set('X-Forwarded-Host', [url.host])
  headers.set('X-Forwarded-Server', ['traefik'])
  return headers
}

/** Builds the side request ForwardAuth sends to `settings.address` for `request`. */
export function buildSideRequest (request: ClientRequest, entryHeaders: GoHeaders, settings: ForwardAuthSettings, behaviour: TraefikBehaviour): SideRequest {
  const url = new URL(request.url)
  const tls = url.protocol === 'https:'
  const requestUri = url.pathname + url.search
  const headers: GoHeaders = new Map([...entryHeaders].map(([name, values]) => [name, [...values]]))
  for (const name of HOP_HEADERS) headers.delete(name)

  const trust = settings.trustForwardHeader
  const strictFalse = behaviour === 'current' && trust === false
  if (strictFalse) for (const name of MANAGED_FORWARDED_HEADERS) headers.delete(name)

  const keep = (name: string): string | undefined => {
    const value = first(entryHeaders, name)
    return trust === true && value !== '' ? value : undefined
  }
  const clientIp = request.remoteAddress
  const priorFor = entryHeaders.get('X-Forwarded-For')
  headers.set('X-Forwarded-For', [trust === true && priorFor !== undefined ? `${priorFor.join(', ')}, ${clientIp}` : clientIp])
  headers.set('X-Forwarded-Method', [keep('X-Forwarded-Method') ?? request.method])
  headers.set('X-Forwarded-Proto', [keep('X-Forwarded-Proto') ?? (tls ? 'https' : 'http')])
  headers.set('X-Forwarded-Host', [keep('X-Forwarded-Host') ?? url.host])
  headers.set('X-Forwarded-Uri', [keep('X-Forwarded-Uri') ?? requestUri])
  if (behaviour === 'current' && trust !== undefined) {
    headers.set('X-Forwarded-Port', [keep('X-Forwarded-Port') ?? (url.port !== '' ? url.port : (tls ? '443' : '80'))])
  }
  // Go sends an empty User-Agent rather than its own when the client sent none.
  if (!headers.has('User-Agent')) headers.set('User-Agent', [''])

  const method = settings.preserveRequestMethod === true ? request.method : 'GET'
  const body = settings.forwardBody === true ? request.body : undefined
  // Go writes Content-Length from the request's own length and ignores the one in the header map.
  // With no body it writes 0, and only for POST, PUT and PATCH.
  headers.delete('Content-Length')
  if (body !== undefined) headers.set('Content-Length', [String(Buffer.byteLength(body))])
  else if (['POST', 'PUT', 'PATCH'].includes(method)) headers.set('Content-Length', ['0'])
  return { method, url: settings.address, headers, body }
}

/** Applies a headers middleware's customRequestHeaders to `headers` as Traefik does. */
export function applyCustomRequestHeaders (headers: GoHeaders, customRequestHeaders: Record<string, string>): void {
  for (const [name, value] of Object.entries(customRequestHeaders)) {
    const key = canonicalHeaderKey(name)
    if (value === '') headers.delete(key)
    else headers.set(key, [value])
  }
}

/**
 * Expands a router's middleware names, chains included, into the middlewares that run, in order.
 * Throws on an unknown name or a type other than chain, headers and forwardAuth.
 */
export function resolveMiddlewares (names: string[], configs: Record<string, MiddlewareConfig>): Middleware[] {
  const result: Middleware[] = []
  for (const qualified of names) {
    const name = qualified.replace(/@[a-z]+$/, '')
    const config = configs[name]
    if (config === undefined) throw new Error(`middleware ${qualified} is not defined`)
    if (config.chain !== undefined) result.push(...resolveMiddlewares(config.chain.middlewares, configs))
    else if (config.headers !== undefined) result.push({ name, kind: 'headers', customRequestHeaders: config.headers.customRequestHeaders ?? {} })
    else if (config.forwardAuth !== undefined) result.push({ name, kind: 'forwardAuth', settings: config.forwardAuth })
    else throw new Error(`middleware ${qualified} has a type these tests do not model`)
  }
  return result
}

/** Applies pushgate's `response` to the side request the way Traefik does. */
export function applyAuthResponse (entryHeaders: GoHeaders, response: AuthResponse, settings: ForwardAuthSettings): TraefikOutcome {
  const limit = settings.maxResponseBodySize
  if (limit !== undefined && Buffer.byteLength(response.body) > limit) {
    return { kind: 'respond', status: 401, headers: new Map(), body: '' }
  }

  const responseHeaders = toGoHeaders(response.headers)
  if (response.status < 200 || response.status >= 300) {
    for (const name of HOP_HEADERS) responseHeaders.delete(name)
    const location = first(responseHeaders, 'Location')
    // Go's Response.Location() resolves a relative Location against the auth server's URL.
    if (location !== '') responseHeaders.set('Location', [new URL(location, settings.address).href])
    return { kind: 'respond', status: response.status, headers: responseHeaders, body: response.body }
  }

  const requestHeaders: GoHeaders = new Map([...entryHeaders].map(([name, values]) => [name, [...values]]))
  for (const name of settings.authResponseHeaders) {
    const key = canonicalHeaderKey(name)
    requestHeaders.delete(key)
    const values = responseHeaders.get(key)
    if (values !== undefined && values.length > 0) requestHeaders.set(key, [...values])
  }
  return { kind: 'forward', requestHeaders }
}

/** Converts Go-style headers to what undici sends; Go would send each value on its own line. */
export function toRequestHeaders (headers: GoHeaders): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, values] of headers) result[name] = values.join(', ')
  return result
}

/**
 * Reads a ForwardAuth middleware from Traefik docker labels such as
 * `traefik.http.middlewares.<name>.forwardauth.address=…`. Traefik reads option names without
 * regard to case.
 */
export function forwardAuthFromLabels (labels: string[], middleware: string): ForwardAuthSettings {
  const options = labelOptions(labels, `traefik.http.middlewares.${middleware}.forwardauth.`)
  const address = options.get('address')
  if (address === undefined) throw new Error(`no forwardauth.address label for middleware ${middleware}`)
  const settings: ForwardAuthSettings = { address, authResponseHeaders: splitList(options.get('authresponseheaders')) }
  const trust = options.get('trustforwardheader')
  if (trust !== undefined) settings.trustForwardHeader = trust === 'true'
  const max = options.get('maxresponsebodysize')
  if (max !== undefined) settings.maxResponseBodySize = Number(max)
  const preserve = options.get('preserverequestmethod')
  if (preserve !== undefined) settings.preserveRequestMethod = preserve === 'true'
  const forwardBody = options.get('forwardbody')
  if (forwardBody !== undefined) settings.forwardBody = forwardBody === 'true'
  return settings
}

/**
 * Reads every chain, headers and forwardAuth middleware that docker labels define, by name.
 * Throws when a label defines a middleware of another type, or one middleware with two types.
 */
export function middlewaresFromLabels (labels: string[]): Record<string, MiddlewareConfig> {
  const configs: Record<string, MiddlewareConfig> = {}
  for (const label of labels) {
    const match = /^traefik\.http\.middlewares\.([^.]+)\.([^.]+)\./i.exec(label)
    if (match === null) continue
    const [, name = '', type = ''] = match
    const config = configs[name] ?? {}
    configs[name] = config
    switch (type.toLowerCase()) {
      case 'chain':
        config.chain = { middlewares: splitList(labelOptions(labels, `traefik.http.middlewares.${name}.chain.`).get('middlewares')) }
        break
      case 'headers': {
        // Header names keep their case here, because Traefik canonicalises them when it applies them.
        const prefix = `traefik.http.middlewares.${name}.headers.customrequestheaders.`
        const customRequestHeaders: Record<string, string> = {}
        for (const other of labels) {
          const equals = other.indexOf('=')
          if (other.slice(0, equals).toLowerCase().startsWith(prefix.toLowerCase())) customRequestHeaders[other.slice(prefix.length, equals)] = other.slice(equals + 1)
        }
        config.headers = { customRequestHeaders }
        break
      }
      case 'forwardauth':
        config.forwardAuth = forwardAuthFromLabels(labels, name)
        break
      default:
        throw new Error(`middleware ${name} has the type ${type}, which these tests do not model`)
    }
    const types = [config.chain, config.headers, config.forwardAuth].filter((value) => value !== undefined)
    if (types.length > 1) throw new Error(`middleware ${name} has more than one type, which Traefik rejects`)
  }
  return configs
}

/** Options under `prefix` in `labels`, keyed by their lower-case names. */
function labelOptions (labels: string[], prefix: string): Map<string, string> {
  const options = new Map<string, string>()
  for (const label of labels) {
    const equals = label.indexOf('=')
    const key = label.slice(0, equals).toLowerCase()
    if (key.startsWith(prefix.toLowerCase())) options.set(key.slice(prefix.length), label.slice(equals + 1))
  }
  return options
}

function splitList (value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
}
