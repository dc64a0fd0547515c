/**
 * Security headers for pushgate's own pages (not the authz responses, which no browser renders):
 * a strict Content-Security-Policy with scripts and styles from pushgate's origin only, no
 * framing, no Referer (so `rd` values and flow ids do not leak), and no caching of pages.
 */
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import type { Gateway } from '../gateway.ts'

/** Registers @fastify/helmet with pushgate's page policy on `app`. */
export async function registerPageSecurity (app: FastifyInstance, gateway: Gateway): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'", ...redirectSources(gateway)],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"]
      }
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    hsts: gateway.config.publicUrl.protocol === 'https:' ? { maxAge: 15_552_000, includeSubDomains: false } : false
  })

  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    return payload
  })
}

/**
 * Chrome applies form-action to the redirect after a form submission, so the sign-out form needs
 * the hosts that `rd` may point to.
 */
function redirectSources (gateway: Gateway): string[] {
  const { config } = gateway
  const scheme = config.publicUrl.protocol === 'https:' ? 'https:' : 'http:'
  const domain = config.session.cookieDomain
  if (domain === undefined) return [`${scheme}//${config.publicUrl.hostname}:*`]
  return [`${scheme}//${domain}:*`, `${scheme}//*.${domain}:*`]
}
