/**
 * Reconstructs the request a proxy is checking from the headers it adds. The headers are believed
 * only when the caller's address is in server.trustedProxies. From anyone else they could be
 * forged, so they are ignored and the original URL counts as unknown.
 *
 * ForwardAuth (Traefik, Caddy, HAProxy) describes the request in X-Forwarded-Method, -Proto,
 * -Host and -Uri. nginx's auth_request sends nothing by itself; the shipped config adds
 * X-Original-URL and X-Original-Method, as Authelia's nginx snippets do.
 */
import type { IncomingHttpHeaders } from 'node:http'

export type OriginalRequest =
  | { kind: 'known', method: string, url: URL }
  /** The caller is not a trusted proxy, or sent no description: we know nothing about the target. */
  | { kind: 'unknown', method: string }
  /** A trusted proxy sent a description that does not parse. Always denied. */
  | { kind: 'malformed', reason: string }

// RFC 9110 method token, restricted to upper case as every proxy sends it; Authelia applies the same rule.
const METHOD_PATTERN = /^[A-Z]{1,20}$/
// A host with an optional port, without userinfo, path or whitespace.
const HOST_PATTERN = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/
// An origin-form request target: a path starting with one slash, then visible ASCII only.
const URI_PATTERN = /^\/[\u0021-\u007e]*$/

/** Maps the scheme a proxy reports to the scheme of the page; Traefik reports ws/wss on WebSocket upgrades. */
const SCHEMES: Record<string, string> = { http: 'http', https: 'https', ws: 'http', wss: 'https' }

/** Reads the ForwardAuth dialect's X-Forwarded-* headers. */
export function readForwardAuthRequest (headers: IncomingHttpHeaders, trusted: boolean): OriginalRequest {
  if (!trusted || headers['x-forwarded-host'] === undefined) {
    return { kind: 'unknown', method: 'GET' }
  }
  return describe({
    method: first(headers['x-forwarded-method']) ?? 'GET',
    proto: first(headers['x-forwarded-proto']) ?? 'http',
    host: first(headers['x-forwarded-host']) ?? '',
    uri: single(headers['x-forwarded-uri']) ?? '/'
  })
}

/** Reads the nginx dialect's X-Original-URL and X-Original-Method, falling back to X-Forwarded-*. */
export function readAuthRequestRequest (headers: IncomingHttpHeaders, trusted: boolean): OriginalRequest {
  const originalUrl = single(headers['x-original-url'])
  if (!trusted) return { kind: 'unknown', method: 'GET' }
  if (originalUrl === undefined) return readForwardAuthRequest(headers, trusted)

  const method = single(headers['x-original-method']) ?? first(headers['x-forwarded-method']) ?? 'GET'
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(originalUrl)
  if (match === null) return { kind: 'malformed', reason: 'X-Original-URL is not an absolute URL' }

  const [, proto = '', host = '', rest = ''] = match
  return describe({ method, proto: proto.toLowerCase(), host, uri: rest === '' ? '/' : rest })
}

function describe (parts: { method: string, proto: string, host: string, uri: string }): OriginalRequest {
  if (!METHOD_PATTERN.test(parts.method)) return { kind: 'malformed', reason: 'the forwarded method is not an upper-case HTTP method' }

  const scheme = SCHEMES[parts.proto.toLowerCase()]
  if (scheme === undefined) return { kind: 'malformed', reason: 'the forwarded protocol is not http, https, ws or wss' }
  if (!HOST_PATTERN.test(parts.host)) return { kind: 'malformed', reason: 'the forwarded host is not a host name with an optional port' }
  if (!URI_PATTERN.test(parts.uri)) return { kind: 'malformed', reason: 'the forwarded URI is not a single path starting with /, without spaces (a repeated header is joined with ", ")' }
  if (parts.uri.startsWith('//')) return { kind: 'malformed', reason: 'the forwarded URI starts with //' }

  let url: URL
  try {
    url = new URL(`${scheme}://${parts.host}${parts.uri}`)
  } catch {
    return { kind: 'malformed', reason: 'the forwarded URL does not parse' }
  }
  return { kind: 'known', method: parts.method, url }
}

/** Returns the first entry of a header that chained proxies may have turned into a list ("https, http"). */
function first (value: string | string[] | undefined): string | undefined {
  const text = single(value)
  if (text === undefined) return undefined
  return text.split(',')[0]?.trim()
}

/** Returns a header sent once; a repeated header is read as absent rather than guessed at. */
function single (value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return undefined
  return value
}
