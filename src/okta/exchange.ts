/**
 * One HTTP exchange with Okta through undici: send the request, read the whole body, and turn
 * network failures into OktaTimeoutError or OktaUnreachableError. Retries, status handling and
 * logging belong to http.ts.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { request, type Dispatcher } from 'undici'
import { OktaBadResponseError, OktaTimeoutError, OktaUnreachableError } from './errors.ts'

/** Largest response body read, in bytes. Okta's JSON responses and QR images are a few kilobytes. */
export const MAX_BODY_BYTES = 1024 * 1024

export interface ExchangeRequest {
  method: 'GET' | 'POST' | 'DELETE'
  url: URL
  /** The path shown in errors and logs (no query string). */
  path: string
  headers: Record<string, string>
  body?: string | undefined
  dispatcher: Dispatcher
  /** Aborts the exchange when the call's time limit is reached. */
  signal: AbortSignal
  timeoutMs: number
}

export interface OktaResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** Sends `call` and returns the status, headers and complete body. */
export async function exchange (call: ExchangeRequest): Promise<OktaResponse> {
  try {
    const response = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body ?? null,
      dispatcher: call.dispatcher,
      signal: call.signal
    })
    const body = await readBody(response.body, call)
    return { status: response.statusCode, headers: response.headers, body }
  } catch (error) {
    throw classifyFailure(error, call)
  }
}

async function readBody (body: Dispatcher.ResponseData['body'], call: ExchangeRequest): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array)
    size += buffer.length
    if (size > MAX_BODY_BYTES) {
      body.destroy()
      throw new OktaBadResponseError({ method: call.method, path: call.path, reason: `the response body is larger than ${MAX_BODY_BYTES} bytes` })
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks)
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

function classifyFailure (error: unknown, call: ExchangeRequest): Error {
  if (error instanceof OktaBadResponseError) return error

  const cause = copyNetworkError(error)
  const code = (cause as NodeJS.ErrnoException).code
  if (call.signal.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return new OktaTimeoutError({ method: call.method, path: call.path, timeoutMs: call.timeoutMs }, { cause })
  }
  return new OktaUnreachableError({ method: call.method, path: call.path, origin: call.url.origin, reason: code ?? cause.message }, { cause })
}

/**
 * Copies only the name, code and message of a network error. undici errors can carry socket
 * details and request state. With a plain copy, no request header (and so no API token) is ever
 * reachable from a thrown error's `cause`.
 */
function copyNetworkError (error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error))
  const copy: Error & { code?: string } = new Error(source.message)
  copy.name = source.name
  const code = (source as NodeJS.ErrnoException).code
  if (typeof code === 'string') copy.code = code
  return copy
}

const RETRYABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'
])

/** True for connection failures (refused, reset, closed socket, DNS retry), which a GET may retry. */
export function isRetryableNetworkError (error: unknown): boolean {
  return error instanceof OktaUnreachableError && RETRYABLE_CODES.has(error.reason)
}
