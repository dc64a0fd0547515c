/**
 * An HTTPS client that acts as a browser in front of a real proxy: it resolves every name
 * under the test domain to 127.0.0.1, sends the right SNI and Host, trusts only the test CA, keeps
 * cookies by the browser rules that matter here (Domain, host-only, Path, Secure, Max-Age), and
 * never follows redirects by itself.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { LookupAddress } from 'node:dns'
import { connect as connectTls } from 'node:tls'
import { Agent, request, type Dispatcher } from 'undici'
import { BROWSER_USER_AGENT } from './browser-client.ts'
import type { SimulatorControl } from './simulator-control.ts'
import { TEST_DOMAIN } from './tls.ts'

export interface ProxyAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  json: () => any
}

export interface StoredCookie {
  name: string
  value: string
  /** The Domain attribute without a leading dot, or the request host for a host-only cookie. */
  domain: string
  hostOnly: boolean
  path: string
  secure: boolean
  httpOnly: boolean
  sameSite: string | undefined
  expiresAtMs: number | undefined
}

/** Headers Chromium sends on a top-level navigation. */
export const NAVIGATION_HEADERS = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'sec-fetch-site': 'none',
  'upgrade-insecure-requests': '1'
}

/** Headers Chromium sends on a same-origin fetch() that asks for JSON. */
export const FETCH_HEADERS = {
  accept: 'application/json',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
  'sec-fetch-site': 'same-origin'
}

export class ProxyClient {
  readonly cookies: StoredCookie[] = []
  readonly #agent: Agent

  constructor (caPem: string) {
    this.#agent = new Agent({ connect: { ca: caPem, lookup: resolveTestDomain } })
  }

  async close (): Promise<void> {
    await this.#agent.close()
  }

  /** Sends one request with this client's cookies and stores the cookies the response sets. */
  async request (url: string, options: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<ProxyAnswer> {
    const target = new URL(url)
    const headers: Record<string, string> = { 'user-agent': BROWSER_USER_AGENT, ...options.headers }
    const cookie = this.cookieHeader(target)
    if (cookie !== '' && headers.cookie === undefined) headers.cookie = cookie

    const response = await request(target, {
      method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
      headers,
      body: options.body ?? null,
      dispatcher: this.#agent
    })
    const body = await response.body.text()
    this.#store(target, response.headers['set-cookie'])
    return { status: response.statusCode, headers: response.headers, body, json: () => JSON.parse(body) }
  }

  /** A top-level navigation, as a person typing the URL does. */
  async navigate (url: string, extraHeaders: Record<string, string> = {}): Promise<ProxyAnswer> {
    return await this.request(url, { headers: { ...NAVIGATION_HEADERS, ...extraHeaders } })
  }

  /** A fetch() from a page on the same origin. */
  async fetchJson (url: string, extraHeaders: Record<string, string> = {}): Promise<ProxyAnswer> {
    return await this.request(url, { headers: { ...FETCH_HEADERS, ...extraHeaders } })
  }

  /** The Cookie header this client sends to `url`. */
  cookieHeader (url: URL): string {
    const now = Date.now()
    return this.cookies
      .filter((cookie) => cookieMatches(cookie, url, now))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ')
  }

  cookie (name: string): StoredCookie | undefined {
    return this.cookies.find((cookie) => cookie.name === name && (cookie.expiresAtMs === undefined || cookie.expiresAtMs > Date.now()))
  }

  /**
   * Signs in the way the login page does, through the proxy: opens `loginUrl`, clicks "Send push",
   * approves the push with the simulator's control API, and polls until pushgate sets the session
   * cookie. `typedLogin` is what the person types when pushgate has several users. Returns the
   * URL the page would go to next.
   */
  async signIn (loginUrl: string, sim: SimulatorControl, login: string, typedLogin?: string): Promise<string> {
    const page = await this.navigate(loginUrl)
    if (page.status !== 200) throw new Error(`login page ${loginUrl} returned ${page.status}: ${page.body.slice(0, 200)}`)
    const csrfToken = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1]
    const rd = /name="rd" value="([^"]*)"/.exec(page.body)?.[1]
    if (csrfToken === undefined || rd === undefined) throw new Error('the login page has no CSRF token or rd field')

    const origin = new URL(loginUrl).origin
    const started = await this.request(`${origin}/login/push`, {
      method: 'POST',
      headers: { ...FETCH_HEADERS, origin, 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify(typedLogin === undefined ? { rd: decodeEntities(rd) } : { rd: decodeEntities(rd), login: typedLogin })
    })
    if (started.status !== 200) throw new Error(`POST /login/push returned ${started.status}: ${started.body}`)

    await sim.answerLatest(login, 'approve')
    const deadline = Date.now() + 15_000
    for (;;) {
      const status = await this.fetchJson(`${origin}/login/status`)
      const view = status.json() as { state: string, redirect?: string }
      if (view.state === 'approved' && view.redirect !== undefined) return view.redirect
      if (view.state !== 'waiting' || Date.now() > deadline) throw new Error(`the push ended as ${view.state}: ${status.body}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  #store (url: URL, setCookie: string | string[] | undefined): void {
    const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]
    for (const line of lines) {
      const cookie = parseSetCookie(url, line)
      if (cookie === undefined) continue
      const index = this.cookies.findIndex((old) => old.name === cookie.name && old.domain === cookie.domain && old.path === cookie.path)
      if (index !== -1) this.cookies.splice(index, 1)
      const expired = cookie.expiresAtMs !== undefined && cookie.expiresAtMs <= Date.now()
      if (!expired) this.cookies.push(cookie)
    }
  }
}

/** Parses one Set-Cookie line as RFC 6265 section 5.2 does, for the attributes this client uses. */
export function parseSetCookie (url: URL, line: string): StoredCookie | undefined {
  const [pair = '', ...attributes] = line.split(';')
  const equals = pair.indexOf('=')
  if (equals <= 0) return undefined

  const cookie: StoredCookie = {
    name: pair.slice(0, equals).trim(),
    value: pair.slice(equals + 1).trim(),
    domain: url.hostname,
    hostOnly: true,
    path: '/',
    secure: false,
    httpOnly: false,
    sameSite: undefined,
    expiresAtMs: undefined
  }
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=')
    const name = rawName.trim().toLowerCase()
    const value = rest.join('=').trim()
    if (name === 'domain' && value !== '') {
      cookie.domain = value.replace(/^\./, '').toLowerCase()
      cookie.hostOnly = false
    } else if (name === 'path' && value.startsWith('/')) {
      cookie.path = value
    } else if (name === 'secure') {
      cookie.secure = true
    } else if (name === 'httponly') {
      cookie.httpOnly = true
    } else if (name === 'samesite') {
      cookie.sameSite = value.toLowerCase()
    } else if (name === 'max-age' && /^-?\d+$/.test(value)) {
      cookie.expiresAtMs = Date.now() + Number(value) * 1000
    } else if (name === 'expires' && cookie.expiresAtMs === undefined) {
      const time = Date.parse(value)
      if (!Number.isNaN(time)) cookie.expiresAtMs = time
    }
  }
  // A browser ignores a Domain attribute that does not cover the host that set it.
  if (!cookie.hostOnly && url.hostname !== cookie.domain && !url.hostname.endsWith(`.${cookie.domain}`)) return undefined
  return cookie
}

function cookieMatches (cookie: StoredCookie, url: URL, nowMs: number): boolean {
  if (cookie.expiresAtMs !== undefined && cookie.expiresAtMs <= nowMs) return false
  if (cookie.secure && url.protocol !== 'https:') return false
  const host = url.hostname
  const domainMatches = cookie.hostOnly ? host === cookie.domain : host === cookie.domain || host.endsWith(`.${cookie.domain}`)
  if (!domainMatches) return false
  return url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)
}

function decodeEntities (text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * Resolves names under the test domain to 127.0.0.1 and refuses every other name, so that no
 * test request can leave the machine.
 */
export function resolveTestDomain (hostname: string, options: { all?: boolean | undefined }, callback: LookupCallback): void {
  const local = hostname === '127.0.0.1' || hostname === TEST_DOMAIN || hostname.endsWith(`.${TEST_DOMAIN}`)
  if (!local) {
    const error: NodeJS.ErrnoException = new Error(`test clients only reach *.${TEST_DOMAIN} and 127.0.0.1, not ${hostname}`)
    error.code = 'ENOTFOUND'
    callback(error, '')
    return
  }
  if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }])
  else callback(null, '127.0.0.1', 4)
}

export interface WebSocketAttempt {
  status: number
  headers: Record<string, string>
  /** True when Sec-WebSocket-Accept matches the key sent, as a browser checks. */
  acceptValid: boolean
  /** The first text frame the server sent after a 101, if any. */
  firstMessage: string | undefined
}

/**
 * Sends a WebSocket opening handshake (RFC 6455 section 4.1) over TLS to 127.0.0.1 with the SNI
 * and Host of `url`, the way a browser does, and reads the response and the first text frame.
 * A small hand-written client: the project has no WebSocket library, and the handshake is all the
 * proxy tests need to see.
 */
export async function attemptWebSocket (url: string, caPem: string, headers: Record<string, string> = {}): Promise<WebSocketAttempt> {
  const target = new URL(url)
  const key = randomBytes(16).toString('base64')
  const lines = [
    `GET ${target.pathname}${target.search} HTTP/1.1`,
    `host: ${target.host}`,
    'upgrade: websocket',
    'connection: Upgrade',
    `sec-websocket-key: ${key}`,
    'sec-websocket-version: 13',
    `origin: ${target.origin}`,
    'sec-fetch-mode: websocket',
    `user-agent: ${BROWSER_USER_AGENT}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  ]

  return await new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port: Number(target.port), servername: target.hostname, ca: caPem })
    let buffer = Buffer.alloc(0)
    let head: { status: number, headers: Record<string, string>, bodyStart: number } | undefined
    const timer = setTimeout(() => { finish(new Error(`no complete WebSocket response from ${url} within 5 s`)) }, 5_000)

    const finish = (error?: Error, message?: string): void => {
      clearTimeout(timer)
      socket.destroy()
      if (error !== undefined) reject(error)
      else if (head === undefined) reject(new Error(`the connection to ${url} closed before a response`))
      else resolve({ status: head.status, headers: head.headers, acceptValid: head.headers['sec-websocket-accept'] === websocketAccept(key), firstMessage: message })
    }

    socket.once('secureConnect', () => { socket.write(lines.join('\r\n') + '\r\n\r\n') })
    socket.on('error', (error) => { finish(error) })
    socket.on('end', () => { finish() })
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      head ??= parseHead(buffer)
      if (head === undefined) return
      if (head.status !== 101) {
        finish()
        return
      }
      const message = readTextFrame(buffer.subarray(head.bodyStart))
      if (message !== undefined) finish(undefined, message)
    })
  })
}

function parseHead (buffer: Buffer): { status: number, headers: Record<string, string>, bodyStart: number } | undefined {
  const end = buffer.indexOf('\r\n\r\n')
  if (end === -1) return undefined
  const [statusLine = '', ...headerLines] = buffer.subarray(0, end).toString('latin1').split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, bodyStart: end + 4 }
}

/** Reads one unmasked text frame (RFC 6455 section 5.2) when it is complete. */
function readTextFrame (data: Buffer): string | undefined {
  if (data.length < 2) return undefined
  let length = data[1]! & 0x7f
  let offset = 2
  if (length === 126) {
    if (data.length < 4) return undefined
    length = data.readUInt16BE(2)
    offset = 4
  }
  if (data.length < offset + length) return undefined
  return data.subarray(offset, offset + length).toString('utf8')
}

/** The Sec-WebSocket-Accept value a server must send for `key` (RFC 6455 section 4.2.2). */
export function websocketAccept (key: string): string {
  return createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64')
}
