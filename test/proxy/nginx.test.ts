/**
 * pushgate behind a real nginx (Debian's nginx-light, with auth_request), run from the shipped
 * examples/nginx files with TLS, two protected hosts and one cookie domain.
 */
import t from 'tap'
import { registerProxyScenarios } from '../helpers/proxy-scenarios.ts'
import { readExample } from '../helpers/proxies.ts'
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

  t.test('auth location has 16k header buffer', async (t) => {
    // pushgate's largest response fits nginx's default buffer, so the end-to-end tests cannot
    // show that the larger one is needed.
    const snippet = readExample('nginx/snippets/pushgate-location.conf')
    const internal = /location = \/internal\/pushgate\/authz \{([^}]*)\}/.exec(snippet)?.[1] ?? ''
    t.match(internal, /^\s*proxy_buffer_size 16k;$/m, 'the internal location sets proxy_buffer_size')
    t.match(internal, /^\s*proxy_buffers 4 16k;$/m, 'proxy_buffers is large enough for nginx to accept that size')
  })
}
