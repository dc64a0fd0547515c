/**
 * Real nginx and Caddy processes for the proxy and browser tests, run from the configs users copy
 * out of examples/. The shipped files are changed only where a test machine must differ: ports
 * (loopback, picked at run time), file paths, the domain (example.com becomes example.test) and
 * certificates (the test CA's). Every replacement must match, so a change to an example that a
 * test does not know about fails loudly instead of running an untested config.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, type Teardown } from './gateway.ts'
import type { TestCertificates } from './tls.ts'
import { TEST_DOMAIN } from './tls.ts'
import { CADDY, NGINX } from './tools.ts'

export const EXAMPLES_DIR = new URL('../../examples/', import.meta.url)

/** One change to a shipped config: every occurrence of `from` becomes `to`, and there must be one. */
export interface Replacement {
  from: string | RegExp
  to: string
}

/** Where the proxy sends requests: pushgate and the two protected apps, all on 127.0.0.1. */
export interface Upstreams {
  pushgatePort: number
  appPort: number
  secondPort: number
}

/** The proxy's own ports on 127.0.0.1, picked before pushgate starts because publicUrl names one. */
export interface ProxyPorts {
  httpsPort: number
  httpPort: number
}

/**
 * Two free ports on 127.0.0.1. With `standard`, 443 and 80 when both are free (root can bind
 * them), so URLs in screenshots carry no port number.
 */
export async function pickProxyPorts (standard = false): Promise<ProxyPorts> {
  if (standard && await portIsFree(443) && await portIsFree(80)) return { httpsPort: 443, httpPort: 80 }
  return { httpsPort: await freePort(), httpPort: await freePort() }
}

async function portIsFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}

export interface RunningProxy {
  kind: 'nginx' | 'caddy'
  httpsPort: number
  httpPort: number
  /** The temporary folder with the config as run. */
  dir: string
  /** Everything the process wrote, for failure messages. */
  output: () => string
}

/**
 * Applies `replacements` to `text` and checks that the example domain is gone afterwards.
 * Throws when a replacement matches nothing.
 */
export function templateConfig (text: string, replacements: Replacement[], label: string): string {
  let result = text
  for (const { from, to } of replacements) {
    const pattern = typeof from === 'string' ? new RegExp(escapeRegExp(from), 'g') : from
    if (!pattern.global) throw new Error(`replacement ${String(from)} for ${label} needs the g flag`)
    if (result.match(pattern) === null) {
      throw new Error(`${label} no longer contains ${String(from)}; update the proxy test's templating to match the example`)
    }
    result = result.replace(pattern, to)
  }
  if (/example\.com/.test(result.replace(/^\s*#.*$/gm, ''))) {
    throw new Error(`${label} still names example.com outside comments after templating`)
  }
  return result
}

/** The domain replacement every proxy config gets. */
const DOMAIN: Replacement = { from: /example\.com/g, to: TEST_DOMAIN }

/** Starts nginx with examples/nginx/pushgate.conf and its snippets. */
export async function startNginx (t: Teardown, certificates: TestCertificates, upstreams: Upstreams, ports: ProxyPorts): Promise<RunningProxy> {
  const dir = makeTempDir(t, 'pushgate-nginx-')
  const { httpsPort, httpPort } = ports
  const snippetsDir = join(dir, 'snippets')
  mkdirSync(snippetsDir)
  mkdirSync(join(dir, 'conf.d'))

  const upstreamPorts: Replacement[] = [
    { from: '127.0.0.1:9091', to: `127.0.0.1:${upstreams.pushgatePort}` },
    { from: '127.0.0.1:8080', to: `127.0.0.1:${upstreams.appPort}` },
    { from: '127.0.0.1:8081', to: `127.0.0.1:${upstreams.secondPort}` }
  ]
  const site = templateConfig(readExample('nginx/pushgate.conf'), [
    { from: '/etc/ssl/example.com/fullchain.pem', to: certificates.chainPath },
    { from: '/etc/ssl/example.com/privkey.pem', to: certificates.keyPath },
    DOMAIN,
    { from: /listen 443 ssl http2;/g, to: `listen 127.0.0.1:${httpsPort} ssl http2;` },
    { from: /listen 80;/g, to: `listen 127.0.0.1:${httpPort};` },
    { from: '/etc/nginx/snippets/', to: `${snippetsDir}/` },
    ...upstreamPorts
  ], 'examples/nginx/pushgate.conf')
  writeFileSync(join(dir, 'conf.d', 'pushgate.conf'), site)

  for (const name of ['proxy.conf', 'pushgate-authrequest.conf']) {
    writeFileSync(join(snippetsDir, name), readExample(`nginx/snippets/${name}`))
  }
  const authLocation = templateConfig(readExample('nginx/snippets/pushgate-location.conf'), [upstreamPorts[0]!], 'examples/nginx/snippets/pushgate-location.conf')
  writeFileSync(join(snippetsDir, 'pushgate-location.conf'), authLocation)

  // A minimal main nginx.conf stands in for the distribution's, and includes the site file as
  // /etc/nginx/nginx.conf includes conf.d/*.conf.
  const temp = (name: string): string => join(dir, 'temp', name)
  writeFileSync(join(dir, 'nginx.conf'), [
    // As root, nginx's workers would switch to nobody, who cannot read the temporary folder.
    process.getuid?.() === 0 ? 'user root;' : '',
    'worker_processes 1;',
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    `  client_body_temp_path ${temp('client_body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
    `  include ${join(dir, 'conf.d', 'pushgate.conf')};`,
    '}',
    ''
  ].join('\n'))
  mkdirSync(join(dir, 'temp'))

  const child = spawn(NGINX.path, [
    '-p', `${dir}/`,
    '-c', join(dir, 'nginx.conf'),
    '-e', 'stderr',
    '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr notice;`
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  return await supervise(t, child, { kind: 'nginx', httpsPort, httpPort, dir })
}

/** Starts Caddy with examples/caddy/Caddyfile, its admin endpoint off. */
export async function startCaddy (t: Teardown, certificates: TestCertificates, upstreams: Upstreams, ports: ProxyPorts): Promise<RunningProxy> {
  const dir = makeTempDir(t, 'pushgate-caddy-')
  const { httpsPort, httpPort } = ports

  const sites = templateConfig(readExample('caddy/Caddyfile'), [
    DOMAIN,
    // Certificates: the test CA's, in place of automatic HTTPS.
    { from: /^([a-z0-9.]+\.example\.test) \{$/gm, to: `$1 {\n\ttls ${certificates.chainPath} ${certificates.keyPath}` },
    { from: '127.0.0.1:9091', to: `127.0.0.1:${upstreams.pushgatePort}` },
    { from: '127.0.0.1:8080', to: `127.0.0.1:${upstreams.appPort}` },
    { from: '127.0.0.1:8081', to: `127.0.0.1:${upstreams.secondPort}` }
  ], 'examples/caddy/Caddyfile')
  if ((sites.match(/\ttls /g) ?? []).length !== 3) throw new Error('expected three site blocks in examples/caddy/Caddyfile')

  // Global options: ports and loopback only, no admin endpoint (parallel test files would fight
  // over port 2019), and nothing written outside the temporary folder.
  const globalOptions = [
    '{',
    '\tadmin off',
    `\thttp_port ${httpPort}`,
    `\thttps_port ${httpsPort}`,
    '\tdefault_bind 127.0.0.1',
    `\tstorage file_system ${join(dir, 'data')}`,
    '\tskip_install_trust',
    '}',
    ''
  ].join('\n')
  const configPath = join(dir, 'Caddyfile')
  writeFileSync(configPath, globalOptions + sites)

  const child = spawn(CADDY.path, ['run', '--config', configPath, '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') }
  })
  return await supervise(t, child, { kind: 'caddy', httpsPort, httpPort, dir })
}

/** Waits until the proxy accepts connections on both ports, and stops it when `t` ends. */
async function supervise (t: Teardown, child: ChildProcess, info: Omit<RunningProxy, 'output'>): Promise<RunningProxy> {
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))

  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  })

  const deadline = Date.now() + 15_000
  for (const port of [info.httpsPort, info.httpPort]) {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`${info.kind} exited with code ${child.exitCode} before listening:\n${output}`)
      }
      if (await accepts(port)) break
      if (Date.now() > deadline) throw new Error(`${info.kind} did not listen on 127.0.0.1:${port} within 15 s:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return { ...info, output: () => output }
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}

export function readExample (path: string): string {
  return readFileSync(new URL(path, EXAMPLES_DIR), 'utf8')
}

export function makeTempDir (t: Teardown, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
