/**
 * The demo's protected application. It plays the part Traefik plays in production: for every
 * request it asks pushgate's /authz/forward-auth, sending the browser's headers plus
 * X-Forwarded-*, and serves the page only on a 200, showing the identity headers it received.
 * Any other answer goes back to the browser as pushgate sent it.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { request as httpRequest } from 'undici'
import { html } from '../login/html.ts'

/** Headers copied from pushgate's 200 onto the request, as Traefik's authResponseHeaders does. */
const IDENTITY_HEADERS = ['remote-user', 'remote-email', 'remote-name', 'remote-groups'] as const

/** Builds the demo app that checks every request with pushgate at `pushgateUrl`. */
export function buildProtectedApp (pushgateUrl: URL): FastifyInstance {
  const app = Fastify({ logger: false })
  const authzUrl = new URL('/authz/forward-auth', pushgateUrl)

  app.get('/*', async (request, reply) => {
    const answer = await httpRequest(authzUrl, { method: 'GET', headers: forwardHeaders(request) })
    if (answer.statusCode !== 200) {
      const body = await answer.body.text()
      const location = answer.headers.location
      if (typeof location === 'string') reply.header('location', location)
      return reply.code(answer.statusCode).type(String(answer.headers['content-type'] ?? 'text/plain')).send(body)
    }
    await answer.body.dump()

    const identity = Object.fromEntries(IDENTITY_HEADERS.map((name) => [name, decodeHeader(answer.headers[name])]))
    const logoutUrl = new URL('/logout', pushgateUrl)
    logoutUrl.searchParams.set('rd', `http://${request.headers.host ?? ''}/`)
    return reply.type('text/html; charset=utf-8').send(page(identity, logoutUrl))
  })
  return app
}

function forwardHeaders (request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'x-forwarded-method': request.method,
    'x-forwarded-proto': 'http',
    'x-forwarded-host': request.headers.host ?? '',
    'x-forwarded-uri': request.url,
    'x-forwarded-for': request.ip
  }
  for (const name of ['cookie', 'accept', 'user-agent', 'sec-fetch-mode', 'x-requested-with']) {
    const value = request.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  return headers
}

/** Identity headers carry UTF-8 bytes; undici hands them over as latin1 text. */
function decodeHeader (value: string | string[] | undefined): string {
  if (typeof value !== 'string') return ''
  return Buffer.from(value, 'latin1').toString('utf8')
}

function page (identity: Record<string, string>, logoutUrl: URL): string {
  const rows = IDENTITY_HEADERS.map((name) => html`<tr><th scope="row">${name}</th><td>${identity[name] ?? ''}</td></tr>`)
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Demo app</title></head>
<body style="font: 1rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>Welcome, ${identity['remote-name'] === '' ? identity['remote-user'] : identity['remote-name']}</h1>
<p>This page is protected by pushgate. It received these identity headers:</p>
<table>${rows}</table>
<p><a href="${logoutUrl.href}">Sign out</a></p>
</body>
</html>
`.value
}
