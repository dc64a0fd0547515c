/**
 * The one rule for tests that need a program from the machine (nginx, Caddy, Chromium, openssl):
 * without it a local run skips the test with a message that names the package to install, and a CI run
 * (CI=true, as .ci/run sets it) fails, so a missing install step can never pass as green.
 */
import { accessSync, constants } from 'node:fs'
import type { Test } from 'tap'

export interface Tool {
  name: string
  path: string
  /** The command that installs it on Debian. */
  install: string
}

export const NGINX: Tool = { name: 'nginx', path: '/usr/sbin/nginx', install: 'apt-get install nginx-light' }
export const CADDY: Tool = { name: 'Caddy', path: '/usr/bin/caddy', install: 'apt-get install caddy' }
export const CHROMIUM: Tool = { name: 'Chromium', path: '/usr/bin/chromium', install: 'apt-get install chromium' }
export const OPENSSL: Tool = { name: 'openssl', path: '/usr/bin/openssl', install: 'apt-get install openssl' }

/** True when every tool is installed. Otherwise skips `t` (locally) or fails it (CI=true) and returns false. */
export function requireTools (t: Test, tools: Tool[]): boolean {
  const missing = tools.filter((tool) => !isExecutable(tool.path))
  if (missing.length === 0) return true

  const message = missing.map((tool) => `${tool.name} is not installed at ${tool.path} (install it with: ${tool.install})`).join('; ')
  if (process.env.CI === 'true') {
    t.fail(`${message}. CI must install it: a skipped proxy or browser test would hide a broken integration`)
    t.end()
  } else {
    t.plan(0, message)
  }
  return false
}

function isExecutable (path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}
