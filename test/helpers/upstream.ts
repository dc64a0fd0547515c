/**
 * The protected app of the proxy and browser tests: a plain node:http server on 127.0.0.1 port 0
 * that responds to every request with JSON describing what reached it (method, URL, Host, identity
 * headers, body). It also accepts WebSocket upgrades: it completes the RFC 6455 handshake, sends
 * the same JSON as one text frame, and closes.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Teardown } from './gateway.ts'

export const IDENTITY_HEADER_NAMES = ['remote-user', 'remote-email', 'remote-name', 'remote-groups'] as const

export interface UpstreamEcho {
  app: string
  method: string
  url: string
  host: string
  /** The identity headers as the app read them, UTF-8 decoded; absent ones are missing here. */
  identity: Partial<Record<(typeof IDENTITY_HEADER_NAMES)[number], string>>
  headers: IncomingHttpHeaders
  body: string
  websocket: boolean
}

export interface RunningUpstream {
  name: string
  port: number
  /** Every request that reached the app, oldest first. */
  requests: UpstreamEcho[]
}

// RFC 6455 section 1.3: the accept key is SHA-1 of the client key and this GUID.
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** Starts the app as `name`; it closes when `t` ends. */
export async function startUpstream (t: Teardown, name: string): Promise<RunningUpstream> {
  const requests: UpstreamEcho[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const echo = describe(name, request, Buffer.concat(chunks).toString('utf8'), false)
      requests.push(echo)
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify(echo))
    })
  })

  server.on('upgrade', (request: IncomingMessage, socket) => {
    const echo = describe(name, request, '', true)
    requests.push(echo)
    const key = request.headers['sec-websocket-key']
    if (typeof key !== 'string' || request.headers.upgrade?.toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n')
      return
    }
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64')
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`)
    socket.write(textFrame(JSON.stringify(echo)))
    // A close frame with no status code, then the end of the TCP stream.
    socket.end(Buffer.from([0x88, 0x00]))
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
  return { name, port: (server.address() as AddressInfo).port, requests }
}

function describe (app: string, request: IncomingMessage, body: string, websocket: boolean): UpstreamEcho {
  const identity: UpstreamEcho['identity'] = {}
  for (const name of IDENTITY_HEADER_NAMES) {
    const value = request.headers[name]
    // pushgate sends UTF-8 bytes; node:http hands header bytes over as latin1 text.
    if (typeof value === 'string') identity[name] = Buffer.from(value, 'latin1').toString('utf8')
  }
  return {
    app,
    method: request.method ?? '',
    url: request.url ?? '',
    host: request.headers.host ?? '',
    identity,
    headers: request.headers,
    body,
    websocket
  }
}

/** Builds an unmasked server-to-client text frame (RFC 6455 section 5.2), for payloads under 64 KiB. */
function textFrame (text: string): Buffer {
  const payload = Buffer.from(text, 'utf8')
  const header = payload.length < 126
    ? Buffer.from([0x81, payload.length])
    : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff])
  return Buffer.concat([header, payload])
}
