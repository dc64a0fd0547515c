/**
 * Copies the login page's static files next to the compiled JavaScript: tsc emits only .js, and
 * dist/login/asset-routes.js reads its files from ./assets beside it.
 */
import { cpSync } from 'node:fs'

cpSync(new URL('../src/login/assets', import.meta.url), new URL('../dist/login/assets', import.meta.url), { recursive: true })
