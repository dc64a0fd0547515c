/**
 * docker-compose.yml, without a Docker engine: the file parses, and its services, labels, ports,
 * paths, secrets and variables agree with examples/docker-compose/pushgate.yaml (the config it
 * mounts) and with the Dockerfile. Each check stands for a mistake that would otherwise show up
 * only on a user's machine: a middleware pointing at the wrong port, a secret mounted under
 * another name, a variable the config needs but compose never sets.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { parseConfigObject } from '../../src/config/load.ts'
import { execForm, instructions, parseDockerfile } from '../helpers/dockerfile.ts'
import { middlewaresFromLabels, resolveMiddlewares } from '../helpers/traefik.ts'

interface Service {
  image?: string
  build?: string | { context: string }
  command?: string[]
  ports?: string[]
  volumes?: string[]
  environment?: Record<string, string>
  secrets?: string[]
  networks?: string[]
  labels?: string[]
}

interface ComposeFile {
  services: Record<string, Service>
  networks?: Record<string, unknown>
  volumes?: Record<string, unknown>
  secrets?: Record<string, { file?: string, environment?: string }>
}

const ROOT = new URL('../../', import.meta.url)
const rootPath = (path: string): string => new URL(path, ROOT).pathname
const composeText = readFileSync(rootPath('docker-compose.yml'), 'utf8')
const compose = parse(composeText) as ComposeFile
const { traefik, pushgate, whoami } = compose.services
const runtime = parseDockerfile(readFileSync(rootPath('Dockerfile'), 'utf8')).at(-1)!

/** Label values by key, for one service. */
function labelsOf (service: Service | undefined): Map<string, string> {
  return new Map((service?.labels ?? []).map((label) => {
    const equals = label.indexOf('=')
    return [label.slice(0, equals), label.slice(equals + 1)]
  }))
}

/** Returns the host inside a Traefik rule such as Host(`auth.${PUSHGATE_DOMAIN}`). */
function ruleHost (rule: string | undefined): string | undefined {
  return /^Host\(`([^`]+)`\)$/.exec(rule ?? '')?.[1]
}

const mount = (pushgate?.volumes ?? []).map((volume) => volume.split(':')).find((parts) => parts[0]?.endsWith('.yaml'))
const [mountSource = '', mountTarget = '', mountMode] = mount ?? []
const configText = readFileSync(rootPath(mountSource), 'utf8')
const config = parse(configText) as {
  server: { port: number, trustedProxies: string[] }
  publicUrl: string
  defaultRedirectUrl: string
  session: { cookieDomain: string, secretFile: string }
  okta: { apiTokenFile: string }
}

t.test('services and images', async (t) => {
  t.same(Object.keys(compose.services).sort(), ['pushgate', 'traefik', 'whoami'])
  t.match(traefik?.image, /^traefik:v3(\.|$)/, 'Traefik v3')
  t.equal(whoami?.image, 'traefik/whoami')
  t.equal(pushgate?.build, '.', 'pushgate is built from the Dockerfile here')
  t.ok(existsSync(rootPath('Dockerfile')))
  t.same(pushgate?.ports, undefined, 'pushgate publishes no port: only Traefik reaches it')
  t.same(traefik?.ports, ['80:80', '443:443'])

  const networks = Object.keys(compose.networks ?? {})
  t.equal(networks.length, 1)
  for (const [name, service] of Object.entries(compose.services)) t.same(service.networks, networks, `${name} is on the shared network`)
})

t.test('Traefik reads labels safely', async (t) => {
  const command = traefik?.command ?? []
  t.ok(command.includes('--providers.docker=true'))
  t.ok(command.includes('--providers.docker.exposedbydefault=false'), 'only containers with traefik.enable=true are routed')
  t.ok(command.includes('--entrypoints.websecure.address=:443'))
  t.notOk(command.some((arg) => arg.includes('forwardedheaders.trustedips') || arg.includes('forwardedheaders.insecure')), 'client X-Forwarded-* headers are not trusted')
  t.ok((traefik?.volumes ?? []).includes('/var/run/docker.sock:/var/run/docker.sock:ro'), 'the Docker socket is read-only')
})

t.test('pushgate runs mounted config', async (t) => {
  t.ok(existsSync(rootPath(mountSource)), `${mountSource} exists`)
  t.equal(mountMode, 'ro', 'mounted read-only')
  const cmd = execForm(instructions(runtime, 'CMD')[0]?.args ?? '')
  t.same(pushgate?.command, cmd, 'the command is the image\'s CMD')
  t.equal(cmd?.[cmd.indexOf('--config') + 1], mountTarget, '--config points at the mounted file')
})

t.test('labels match config and Dockerfile', async (t) => {
  const labels = labelsOf(pushgate)
  const port = config.server.port
  t.equal(labels.get('traefik.enable'), 'true')
  t.equal(Number(labels.get('traefik.http.services.pushgate.loadbalancer.server.port')), port, 'Traefik sends pushgate\'s pages to server.port')
  t.same(instructions(runtime, 'EXPOSE').map((expose) => Number(expose.args)), [port], 'the Dockerfile exposes the same port')

  const publicHost = new URL(config.publicUrl.replace('${PUSHGATE_DOMAIN}', 'example.test')).host
  t.equal(ruleHost(labels.get('traefik.http.routers.pushgate.rule'))?.replace('${PUSHGATE_DOMAIN}', 'example.test'), publicHost, 'the router serves publicUrl\'s host')
  t.equal(labels.get('traefik.http.routers.pushgate.entrypoints'), 'websecure')

  // What a router that lists pushgate@docker runs: the chain, expanded.
  const middlewares = resolveMiddlewares(['pushgate@docker'], middlewaresFromLabels(pushgate?.labels ?? []))
  t.same(middlewares.map((middleware) => middleware.kind), ['headers', 'forwardAuth'], 'the chain deletes headers, then asks pushgate')
  const stripped = middlewares[0]?.kind === 'headers' ? middlewares[0].customRequestHeaders : {}
  t.same(stripped, { Remote_User: '', Remote_Email: '', Remote_Name: '', Remote_Groups: '' }, 'the underscore spellings of the identity headers are deleted')
  const forwardAuth = middlewares[1]
  if (forwardAuth?.kind !== 'forwardAuth') throw new Error('the pushgate chain runs no ForwardAuth middleware second')
  const settings = forwardAuth.settings
  const address = new URL(settings.address)
  t.equal(address.hostname, 'pushgate', 'the middleware calls the compose service by name')
  t.equal(Number(address.port), port)
  t.equal(address.pathname, '/authz/forward-auth')
  t.same(settings.authResponseHeaders, ['Remote-User', 'Remote-Email', 'Remote-Name', 'Remote-Groups'])
  t.equal(settings.trustForwardHeader, true)
  t.equal(settings.maxResponseBodySize, 8192)
})

t.test('whoami protected under cookie domain', async (t) => {
  const labels = labelsOf(whoami)
  t.equal(labels.get('traefik.enable'), 'true')
  t.equal(labels.get('traefik.http.routers.whoami.middlewares'), 'pushgate@docker', 'the router uses the middleware pushgate\'s labels define')
  t.equal(labels.get('traefik.http.routers.whoami.entrypoints'), 'websecure')

  const host = ruleHost(labels.get('traefik.http.routers.whoami.rule')) ?? ''
  t.ok(host.endsWith(`.${config.session.cookieDomain}`), `${host} is below the cookie domain ${config.session.cookieDomain}`)
  t.equal(config.defaultRedirectUrl, `https://${host}`, 'after a login without rd, pushgate sends people to whoami')
})

t.test('secrets and variables reach config', async (t) => {
  const names = pushgate?.secrets ?? []
  t.same(names.slice().sort(), Object.keys(compose.secrets ?? {}).sort(), 'every secret is declared and used')
  t.equal(config.session.secretFile, '/run/secrets/session_secret')
  t.equal(config.okta.apiTokenFile, '/run/secrets/okta_api_token')
  for (const path of [config.session.secretFile, config.okta.apiTokenFile]) {
    t.ok(names.includes(path.replace('/run/secrets/', '')), `${path} is a compose secret`)
  }
  for (const secret of Object.values(compose.secrets ?? {})) t.match(secret.file, /^\.\/secrets\//, 'secret files live in ./secrets, which .dockerignore excludes')

  const withoutComments = configText.replace(/#.*$/gm, '')
  const used = [...withoutComments.matchAll(/\$\{([A-Z_]+)\}/g)].map((match) => match[1]!)
  for (const name of new Set(used)) t.ok(pushgate?.environment?.[name] !== undefined, `compose sets ${name} for the config`)
  for (const [name, value] of Object.entries(pushgate?.environment ?? {})) {
    t.match(value, new RegExp(`^\\$\\{${name}:\\?.+\\}$`), `${name} is required: compose stops with a message when .env lacks it`)
  }
})

t.test('config valid with compose values', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-compose-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(join(dir, 'session_secret'), 'compose-test-secret-0123456789-abcdefghijklmn\n')
  writeFileSync(join(dir, 'okta_api_token'), 'compose-test-token\n')
  const raw = parse(configText.replaceAll('/run/secrets/', `${dir}/`)) as unknown
  const env = { PUSHGATE_DOMAIN: 'example.test', OKTA_ORG_URL: 'https://example.okta.com', PUSHGATE_USER: 'alice@example.com' }
  const parsed = parseConfigObject(raw, 'examples/docker-compose/pushgate.yaml', env)

  t.equal(parsed.publicUrl.href, 'https://auth.example.test/')
  t.equal(parsed.session.cookieDomain, 'example.test')
  t.equal(parsed.server.host, '0.0.0.0', 'listens on every interface of the container')
  t.ok(parsed.server.trustedProxies.includes('172.16.0.0/12'), 'trusts Docker\'s default address pool, where Traefik\'s address comes from')
})
