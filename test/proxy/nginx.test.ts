/**
 * pushgate behind a real nginx (Debian's nginx-light, with auth_request), run from the shipped
 * examples/nginx files with TLS, two protected hosts and one cookie domain.
 */
import t from 'tap'
import { registerProxyScenarios } from '../helpers/proxy-scenarios.ts'
import { startProxyStack } from '../helpers/proxy-stack.ts'
import { NGINX, OPENSSL, requireTools } from '../helpers/tools.ts'

if (requireTools(t, [NGINX, OPENSSL])) {
  const stack = await startProxyStack(t, 'nginx')

  registerProxyScenarios(t, stack)

  t.test('internal auth location is hidden', async (t) => {
    const client = stack.client(t)
    const answer = await client.navigate(stack.url('app', '/internal/pushgate/authz'))
    t.equal(answer.status, 404)
  })
}
