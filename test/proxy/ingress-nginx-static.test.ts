/**
 * examples/kubernetes, checked without Kubernetes: the manifests parse, their names, ports, paths
 * and secret files agree with each other and with the pushgate config inside the ConfigMap, and
 * that config passes pushgate's own validation. Then the test plays ingress-nginx's auth
 * subrequest (the headers its template adds, from ingress-nginx's nginx.tmpl) against a real
 * pushgate, and checks that the login page accepts the `rd` that auth-signin builds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { parseAllDocuments, parse } from 'yaml'
import { parseConfigObject } from '../../src/config/load.ts'
import { startGateway } from '../helpers/gateway.ts'
import { FETCH_HEADERS, NAVIGATION_HEADERS } from '../helpers/proxy-client.ts'
import { readExample } from '../helpers/proxies.ts'

type Manifest = { kind: string, metadata: { name: string, namespace?: string, annotations?: Record<string, string> }, spec?: any, data?: Record<string, string> }

const manifests = [
  ...parseAllDocuments(readExample('kubernetes/pushgate.yaml')),
  ...parseAllDocuments(readExample('kubernetes/protected-app.yaml'))
].map((document) => document.toJS() as Manifest)

function find (kind: string, name: string): Manifest {
  const manifest = manifests.find((item) => item.kind === kind && item.metadata.name === name)
  if (manifest === undefined) throw new Error(`no ${kind} named ${name} in examples/kubernetes`)
  return manifest
}

const configMap = find('ConfigMap', 'pushgate-config')
const rawConfig = parse(configMap.data?.['config.yaml'] ?? '') as Record<string, any>
const deployment = find('Deployment', 'pushgate')
const service = find('Service', 'pushgate')
const container = deployment.spec.template.spec.containers[0]
const annotations = find('Ingress', 'app').metadata.annotations ?? {}

t.test('ConfigMap config is valid', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-k8s-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  // The secret files the Deployment mounts, written where a test can read them.
  const config = structuredClone(rawConfig)
  writeFileSync(join(dir, 'session-secret'), 'k8s-example-secret-0123456789-abcdefghijklmnop\n')
  writeFileSync(join(dir, 'okta-api-token'), 'example-token\n')
  config.session.secretFile = join(dir, 'session-secret')
  config.okta.apiTokenFile = join(dir, 'okta-api-token')
  t.doesNotThrow(() => parseConfigObject(config, 'examples/kubernetes/pushgate.yaml', {}))
})

t.test('manifests agree on ports and secrets', async (t) => {
  const port = rawConfig.server.port as number
  t.equal(container.ports[0].containerPort, port, 'the container port is server.port')
  t.equal(service.spec.ports[0].port, port)
  t.equal(service.spec.ports[0].targetPort, container.ports[0].name)
  t.same(service.spec.selector, deployment.spec.selector.matchLabels, 'the Service selects the Deployment\'s pods')
  t.equal(container.livenessProbe.httpGet.path, '/healthz')
  t.equal(container.readinessProbe.httpGet.path, '/readyz')
  t.same(container.args, ['serve', '--config', '/config/config.yaml'])

  const mounts = Object.fromEntries((container.volumeMounts as Array<{ name: string, mountPath: string }>).map((mount) => [mount.name, mount.mountPath]))
  t.equal(mounts.config, '/config', 'the ConfigMap is mounted where --config points')
  t.equal(rawConfig.session.secretFile, `${mounts.secrets}/session-secret`)
  t.equal(rawConfig.okta.apiTokenFile, `${mounts.secrets}/okta-api-token`)
  t.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true)
  t.equal(deployment.spec.template.spec.securityContext.runAsUser, 1000, 'the image\'s node user')
})

t.test('annotations point at pushgate', async (t) => {
  const authUrl = new URL(annotations['nginx.ingress.kubernetes.io/auth-url'] ?? '')
  t.equal(authUrl.protocol, 'http:')
  t.equal(authUrl.hostname, `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`, 'auth-url names the Service')
  t.equal(Number(authUrl.port), service.spec.ports[0].port)
  t.equal(authUrl.pathname, '/authz/auth-request', 'ingress-nginx needs the nginx endpoint: it turns any 3xx from auth-url into a 500')

  t.equal(annotations['nginx.ingress.kubernetes.io/auth-signin'], `${rawConfig.publicUrl}/login`)
  t.equal(annotations['nginx.ingress.kubernetes.io/auth-response-headers'], 'Remote-User,Remote-Email,Remote-Name,Remote-Groups')

  const authIngress = find('Ingress', 'pushgate')
  t.equal(authIngress.spec.rules[0].host, new URL(rawConfig.publicUrl).host, 'pushgate\'s Ingress serves publicUrl\'s host')
  const appHost = find('Ingress', 'app').spec.rules[0].host as string
  t.ok(appHost.endsWith(`.${rawConfig.session.cookieDomain as string}`), 'the protected host is under the cookie domain')
})

t.test('subrequest against real pushgate', async (t) => {
  const gateway = await startGateway(t, {
    publicUrl: () => 'https://auth.example.test',
    config: { session: { cookieDomain: 'example.test' } }
  })
  const original = 'https://app.example.test/reports?x=1&y=2'
  // The headers ingress-nginx's template sets on the auth subrequest; X-Forwarded-Proto is cleared.
  const subrequest = {
    'x-original-url': original,
    'x-original-method': 'GET',
    'x-sent-from': 'nginx-ingress-controller',
    'x-real-ip': '198.51.100.4',
    'x-forwarded-for': '198.51.100.4',
    'x-auth-request-redirect': '/reports?x=1&y=2',
    'x-forwarded-proto': ''
  }

  const navigation = await request(new URL('/authz/auth-request', gateway.url), { headers: { ...NAVIGATION_HEADERS, ...subrequest } })
  await navigation.body.dump()
  t.equal(navigation.statusCode, 401, 'pushgate answers ingress-nginx with 401, never a redirect')

  const api = await request(new URL('/authz/auth-request', gateway.url), { headers: { ...FETCH_HEADERS, ...subrequest } })
  await api.body.dump()
  t.equal(api.statusCode, 401)

  // auth-signin: ingress-nginx appends rd=<scheme>://<host><escaped request URI> when the URL has none.
  const signin = new URL('/login', gateway.url)
  signin.searchParams.set('rd', original)
  const page = await request(signin, { headers: NAVIGATION_HEADERS })
  const html = await page.body.text()
  t.equal(page.statusCode, 200)
  t.match(html, 'name="rd" value="https://app.example.test/reports?x=1&amp;y=2"', 'the login page keeps the rd that auth-signin built')
})
