/**
 * The login page's script and stylesheet, read once at start from src/login/assets (copied to
 * dist/login/assets by `npm run build`).
 */
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

const ASSETS = {
  'login.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8'
} as const

/** Browsers may reuse the assets for five minutes; they change only with a new release. */
const ASSET_CACHE_CONTROL = 'public, max-age=300'

/** Registers GET /assets/login.js and /assets/style.css. */
export async function assetRoutes (app: FastifyInstance): Promise<void> {
  for (const [name, type] of Object.entries(ASSETS)) {
    const content = readFileSync(new URL(`./assets/${name}`, import.meta.url))
    app.get(`/assets/${name}`, async (_request, reply) => {
      return reply.type(type).header('cache-control', ASSET_CACHE_CONTROL).send(content)
    })
  }
}
