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
 *   is resolved against `address`. Set-Cookie on a 2xx is dropped.
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
}

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
  method: 'GET'
  url: string
  headers: GoHeaders
  body: undefined
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
  return { method: 'GET', url: settings.address, headers, body: undefined }
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
  const prefix = `traefik.http.middlewares.${middleware}.forwardauth.`.toLowerCase()
  const options = new Map<string, string>()
  for (const label of labels) {
    const equals = label.indexOf('=')
    const key = label.slice(0, equals).toLowerCase()
    if (key.startsWith(prefix)) options.set(key.slice(prefix.length), label.slice(equals + 1))
  }

  const address = options.get('address')
  if (address === undefined) throw new Error(`no forwardauth.address label for middleware ${middleware}`)
  const settings: ForwardAuthSettings = {
    address,
    authResponseHeaders: (options.get('authresponseheaders') ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '')
  }
  const trust = options.get('trustforwardheader')
  if (trust !== undefined) settings.trustForwardHeader = trust === 'true'
  const max = options.get('maxresponsebodysize')
  if (max !== undefined) settings.maxResponseBodySize = Number(max)
  return settings
}
