/**
 * pushgate behind a real Caddy (Debian's caddy package), run from the shipped
 * examples/caddy/Caddyfile with TLS, two protected hosts and one cookie domain.
 */
import t from 'tap'
import { registerProxyScenarios } from '../helpers/proxy-scenarios.ts'
import { startProxyStack } from '../helpers/proxy-stack.ts'
import { CADDY, OPENSSL, requireTools } from '../helpers/tools.ts'

if (requireTools(t, [CADDY, OPENSSL])) {
  const stack = await startProxyStack(t, 'caddy')

  registerProxyScenarios(t, stack)
}
