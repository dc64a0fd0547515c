import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { freePort } from '../helpers/gateway.ts'

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname
const SECRET = 'k3p9-Qw7z-Lm2x-Vb8n-Tr5y-Hj4u-Gf6d'

interface Run { code: number | null, stdout: string, stderr: string }

async function run (args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += String(chunk) })
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, stdout, stderr }
}

function writeConfig (text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-cli-'))
  const path = join(dir, 'config.yaml')
  writeFileSync(path, text)
  return path
}

const VALID = `
publicUrl: https://auth.example.com
session: { cookieDomain: example.com, secret: "\${SECRET}" }
okta: { orgUrl: https://example.okta.com, apiToken: token }
users: [{ login: alice@example.com }]
`

t.test('bare pushgate without a config exits 2 and suggests the demo', async (t) => {
  const result = await run([])
  t.equal(result.code, 2)
  t.match(result.stderr, 'pushgate demo')
})

t.test('check-config exits 0 for a valid file', async (t) => {
  const result = await run(['check-config', '--config', writeConfig(VALID)], { SECRET })
  t.equal(result.code, 0)
  t.match(result.stdout, 'is valid: 1 user(s)')
})

t.test('check-config exits 1 and lists the problems of an invalid file', async (t) => {
  const result = await run(['check-config', '--config', writeConfig(VALID)], {})
  t.equal(result.code, 1)
  t.match(result.stderr, 'session.secret uses ${SECRET}, but the environment variable SECRET is not set')
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace')
})

t.test('check-config reads PUSHGATE_CONFIG', async (t) => {
  const result = await run(['check-config'], { SECRET, PUSHGATE_CONFIG: writeConfig(VALID) })
  t.equal(result.code, 0)
})

t.test('serve with an invalid config exits 2 without a stack trace', async (t) => {
  const result = await run(['serve', '--config', writeConfig('publicUrl: 5\n')])
  t.equal(result.code, 2)
  t.match(result.stderr, 'publicUrl is 5; write an absolute URL such as https://auth.example.com')
  t.notMatch(result.stderr, /\n\s+at /)
})

t.test('unknown option is a usage error with exit 2', async (t) => {
  const result = await run(['check-config', '--nope'])
  t.equal(result.code, 2)
  t.match(result.stderr, "unknown option '--nope'")
})

t.test('unknown command is named with exit 2', async (t) => {
  const result = await run(['frobnicate'])
  t.equal(result.code, 2)
  t.match(result.stderr, "error: unknown command 'frobnicate'")
  t.notMatch(result.stderr, 'serve', 'no mention of the default command')
})

t.test('misspelt command gets a suggestion', async (t) => {
  const result = await run(['chek-config', '--config', 'x.yaml'])
  t.equal(result.code, 2)
  t.match(result.stderr, "error: unknown command 'chek-config'")
  t.match(result.stderr, 'Did you mean check-config?')
})

t.test('--version and --help exit 0', async (t) => {
  const version = await run(['--version'])
  t.equal(version.code, 0)
  t.match(version.stdout, /^\d+\.\d+\.\d+/)
  const help = await run(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, 'check-config')
})

t.test('serve on a busy port names the address and server.port', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { blocker.close() })
  const port = (blocker.address() as AddressInfo).port
  const config = writeConfig(`
server: { host: 127.0.0.1, port: ${port} }
publicUrl: http://127.0.0.1:${port}
session: { secret: ${SECRET} }
okta: { orgUrl: "http://127.0.0.1:9", apiToken: token }
users: [{ login: alice@example.com }]
`)
  const result = await run(['serve', '--config', config])
  t.equal(result.code, 2)
  t.match(result.stderr, `Cannot listen on 127.0.0.1:${port}: another program is already using port ${port} there (EADDRINUSE)`)
  t.match(result.stderr, `choose a free port with server.port in ${config}`)
  t.notMatch(result.stderr, 'failed unexpectedly')
})

t.test('serve starts, answers healthz and stops on SIGTERM', async (t) => {
  const port = await freePort()
  const config = writeConfig(`
server: { host: 127.0.0.1, port: ${port} }
publicUrl: http://127.0.0.1:${port}
session: { secret: ${SECRET} }
okta: { orgUrl: "http://127.0.0.1:9", apiToken: token }
users: [{ login: alice@example.com }]
`)
  const child = spawn(process.execPath, [MAIN, '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let output = ''
  child.stdout.on('data', (chunk) => { output += String(chunk) })
  const deadline = Date.now() + 10_000
  while (!output.includes('pushgate is ready') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  t.match(output, 'pushgate is ready')

  const response = await request(`http://127.0.0.1:${port}/healthz`)
  t.equal(response.statusCode, 200)
  await response.body.dump()

  child.kill('SIGTERM')
  const code = await new Promise((resolve) => child.on('close', resolve))
  t.equal(code, 0, 'graceful shutdown exits 0')
})
