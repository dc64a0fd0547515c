/**
 * Input generators for the fuzz test: a seeded PRNG, hostile header and cookie values, and
 * malformed raw HTTP/1.1 requests. The same seed gives the same inputs, so a failure can be
 * replayed with PUSHGATE_FUZZ_SEED.
 */
import { HOSTILE_REDIRECTS } from './redirect-cases.ts'

/** mulberry32: a small 32-bit PRNG, good enough to pick test inputs, not for secrets. */
export class Random {
  #state: number

  constructor (seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next (): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let value = this.#state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }

  /** An integer in [0, max). */
  int (max: number): number {
    return Math.floor(this.next() * max)
  }

  chance (probability: number): boolean {
    return this.next() < probability
  }

  pick<T> (items: readonly T[]): T {
    return items[this.int(items.length)] as T
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string (length: number, alphabet: string): string {
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[this.int(alphabet.length)]
    return text
  }
}

const PRINTABLE = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,;=:@/?#[]%"<>\\^`{|} '
/** Characters a header value may carry through undici: visible ASCII, space, tab and Latin-1. */
const HEADER_SAFE = `${PRINTABLE}\t\u0080\u00a0\u00e9\u00ff`

/** The routes under test, listed again below so that most requests reach a real handler. */
export const ROUTES = ['/authz/forward-auth', '/authz/auth-request', '/login', '/login/push', '/login/status', '/login/cancel', '/logout', '/']

export const PATHS = [
  ...ROUTES, ...ROUTES, ...ROUTES,
  '/authz/forward-auth', '/authz/auth-request', '/login', '/login/push', '/login/status', '/login/cancel',
  '/logout', '/', '/healthz', '/readyz', '/assets/login.js', '/assets/style.css', '/assets/../../etc/passwd',
  '/authz/forward-auth/', '/AUTHZ/forward-auth', '//authz/forward-auth', '/authz/%66orward-auth', '/login%00', '/login;x=1'
]

export const METHODS = ['GET', 'GET', 'GET', 'GET', 'HEAD', 'HEAD', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND', 'TRACE']

/** Returns a value built to break parsers: long, empty, repeated separators, encodings, numbers. */
export function hostileText (random: Random): string {
  switch (random.int(10)) {
    case 0: return ''
    case 1: return random.string(random.int(4000) + 1, HEADER_SAFE)
    case 2: return random.pick(HOSTILE_REDIRECTS).rd.replace(/[^\t\u0020-\u007e\u0080-\u00ff]/g, '')
    case 3: return '%'.repeat(random.int(50)) + random.string(10, '0123456789abcdefABCDEF%')
    case 4: return String(random.pick([-1, 0, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 31, -0]))
    case 5: return `${'['.repeat(random.int(30))}${'{"a":'.repeat(random.int(30))}`
    case 6: return random.pick(['GET', 'get', 'https', 'wss', 'app.example.com', '/reports', 'text/html', 'navigate', 'XMLHttpRequest', 'null'])
    case 7: return `${random.string(random.int(20), PRINTABLE)},${random.string(random.int(20), PRINTABLE)}`
    case 8: return '\u00ff'.repeat(random.int(200))
    default: return random.string(random.int(64), PRINTABLE)
  }
}

/** Returns a query string with hostile keys and values, sometimes repeated or enormous. */
export function hostileQuery (random: Random): string {
  if (random.chance(0.3)) return ''
  const pairs: string[] = []
  const count = random.int(5) + 1
  for (let i = 0; i < count; i++) {
    const key = random.chance(0.6) ? 'rd' : random.pick(['login', '__proto__', 'constructor', '', 'rd[]', 'rd[a]', random.string(5, PRINTABLE)])
    const value = random.chance(0.5) ? encodeURIComponent(hostileText(random)) : random.string(random.int(40), PRINTABLE).replace(/[#\s]/g, '')
    pairs.push(`${encodeURIComponent(key)}=${value}`)
  }
  return `?${pairs.join('&')}`
}

/** Returns a request body: JSON of odd shapes, form data, or plain garbage, up to about 20 KB. */
export function hostileBody (random: Random): { type: string | undefined, body: string } {
  switch (random.int(8)) {
    case 0: return { type: 'application/json', body: JSON.stringify({ login: hostileText(random), rd: hostileText(random) }) }
    case 1: return { type: 'application/json', body: JSON.stringify({ login: 42, rd: ['x'], extra: true }) }
    case 2: return { type: 'application/json', body: `${'['.repeat(5000)}${']'.repeat(5000)}` }
    case 3: return { type: 'application/json', body: '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}' }
    case 4: return { type: 'application/x-www-form-urlencoded', body: `login=${encodeURIComponent(hostileText(random))}&rd=${encodeURIComponent(hostileText(random))}` }
    case 5: return { type: random.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '', 'a/b/c']), body: hostileText(random) }
    case 6: return { type: 'application/json', body: 'x'.repeat(random.int(20_000)) }
    default: return { type: undefined, body: '' }
  }
}

/** Mutates a genuine cookie value so that it no longer matches its seal, or leaves it as it is. */
export function mutateSeal (random: Random, value: string): string {
  const [seal = '', marker = ''] = value.split('~')
  const middle = random.int(Math.max(1, seal.length - 2)) + 1
  switch (random.int(6)) {
    case 0: return value
    case 1: return `${seal.slice(0, middle)}${seal[middle] === 'A' ? 'B' : 'A'}${seal.slice(middle + 1)}~${marker}`
    case 2: return seal.slice(0, middle)
    case 3: return `${seal}${random.string(random.int(10) + 1, 'ABCdef0129-_')}~${marker}`
    case 4: return `${seal.replace('Fe26.2', 'Fe26.1')}~${marker}`
    default: return seal.split('*').reverse().join('*')
  }
}

/** Returns a raw HTTP/1.1 request that is malformed in one of the ways parsers and smugglers use. */
export function malformedRequest (random: Random, path: string): string {
  const host = 'Host: 127.0.0.1\r\n'
  switch (random.int(18)) {
    case 0: return `GET ${path} HTTP/1.1\r\n${host}X-Forwarded-Uri: /a\r\n /folded\r\n\r\n`
    case 1: return `GET ${path} HTTP/1.1\r\n${host}Bad Header Name: x\r\n\r\n`
    case 2: return `GET ${path} HTTP/1.1\r\n${host}NoColon\r\n\r\n`
    case 3: return `GET ${path} HTTP/9.9\r\n${host}\r\n`
    case 4: return `GET ${path}\r\n\r\n`
    case 5: return `${random.string(random.int(40), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ')} ${path} HTTP/1.1\r\n${host}\r\n`
    case 6: return `POST ${path} HTTP/1.1\r\n${host}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`
    case 7: return `POST ${path} HTTP/1.1\r\n${host}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /authz/forward-auth HTTP/1.1\r\n${host}\r\n`
    case 8: return `POST ${path} HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`
    case 9: return `POST ${path} HTTP/1.1\r\n${host}Transfer-Encoding: gzip, chunked, identity\r\n\r\n0\r\n\r\n`
    case 10: return `GET ${path} HTTP/1.1\r\n${host}X-Forwarded-Uri: /a\u0000b\r\n\r\n`
    case 11: return `GET ${path} HTTP/1.1\r\n${host}X-Long: ${'a'.repeat(20_000 + random.int(20_000))}\r\n\r\n`
    case 12: return `GET http://evil.test${path} HTTP/1.1\r\n${host}\r\n`
    case 13: return `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${host}\r\n`
    case 14: return `GET ${path}?rd=${'%'.repeat(random.int(100))} HTTP/1.1\r\n${host}Cookie: ${'=;'.repeat(random.int(500))}\r\n\r\n`
    case 15: return `GET ${path} HTTP/1.1\n${host.replace('\r', '')}X-Forwarded-Host: a\rb\n\n`
    case 16: return `${random.string(random.int(200) + 1, '\u0000\u0001\r\n abcGET/HTTP1.')}\r\n\r\n`
    default: return `GET ${path} HTTP/1.1\r\n${host}${Array.from({ length: 150 }, (_, i) => `X-H${i}: ${i}`).join('\r\n')}\r\n\r\n`
  }
}
