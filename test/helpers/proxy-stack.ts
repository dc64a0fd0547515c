/**
 * The whole picture of a proxy test on loopback: the Okta simulator, pushgate at
 * https://auth.example.test:<port> with the cookie domain example.test, two protected apps, and a
 * real nginx or Caddy in front of them with TLS from a throwaway CA.
 */
import { ALICE, startGateway, type RunningGateway, type Teardown } from './gateway.ts'
import { makeTempDir, pickProxyPorts, startCaddy, startNginx, type RunningProxy } from './proxies.ts'
import { ProxyClient } from './proxy-client.ts'
import { makeTestCertificates, TEST_DOMAIN, type TestCertificates } from './tls.ts'
import { startUpstream, type RunningUpstream } from './upstream.ts'
import type { SimulatedUserInput } from '../../src/simulator/index.ts'

export type ProxyKind = 'nginx' | 'caddy'

/** A user without an email address or a name: pushgate sends an empty Remote-Email and his login as Remote-Name. */
export const BOB: SimulatedUserInput = { login: 'bob', email: '', firstName: '', lastName: '', groups: [], pushFactor: 'active' }

export interface StackOptions {
  /** Session lifetime as pushgate's config writes it. Default 1h. */
  sessionLifetime?: string
  /** Users in Okta and in pushgate's `users`. Default: ALICE and BOB. */
  users?: SimulatedUserInput[]
  /** Listen on 443 and 80 when they are free, for screenshots without port numbers. */
  standardPorts?: boolean
}

export interface ProxyStack {
  kind: ProxyKind
  gateway: RunningGateway
  proxy: RunningProxy
  app: RunningUpstream
  second: RunningUpstream
  certificates: TestCertificates
  /** An https URL on `host` (auth, app or second) under the test domain, through the proxy. */
  url: (host: 'auth' | 'app' | 'second', path?: string) => string
  /** A new client with an empty cookie jar; it closes when `t` ends. */
  client: (t: Teardown) => ProxyClient
}

/** Starts everything for one test file; it all stops when `t` ends. */
export async function startProxyStack (t: Teardown, kind: ProxyKind, options: StackOptions = {}): Promise<ProxyStack> {
  const certificates = makeTestCertificates(makeTempDir(t, 'pushgate-tls-'))
  const ports = await pickProxyPorts(options.standardPorts)
  // Through URL, so that port 443 is left out as browsers leave it out.
  const url = (host: 'auth' | 'app' | 'second', path = '/'): string => {
    const text = new URL(path, `https://${host}.${TEST_DOMAIN}:${ports.httpsPort}`).href
    return path === '' ? text.replace(/\/$/, '') : text
  }

  const gateway = await startGateway(t, {
    oktaUsers: options.users ?? [ALICE, BOB],
    publicUrl: () => url('auth', ''),
    config: {
      defaultRedirectUrl: url('app'),
      session: { cookieDomain: TEST_DOMAIN, lifetime: options.sessionLifetime ?? '1h' },
      // Tests send many pushes from one address and deny some; the defaults would lock them out.
      limits: {
        pushesPerUser: { max: 1000 },
        pushStartsPerIp: { max: 1000 },
        statusPollsPerIp: { max: 100_000 },
        denialCooldown: '1ms'
      }
    }
  })
  const app = await startUpstream(t, 'app')
  const second = await startUpstream(t, 'second')
  const upstreams = { pushgatePort: Number(new URL(gateway.url).port), appPort: app.port, secondPort: second.port }
  const proxy = kind === 'nginx'
    ? await startNginx(t, certificates, upstreams, ports)
    : await startCaddy(t, certificates, upstreams, ports)

  return {
    kind,
    gateway,
    proxy,
    app,
    second,
    certificates,
    url,
    client: (scope) => {
      const client = new ProxyClient(certificates.caPem)
      scope.teardown(() => client.close())
      return client
    }
  }
}
