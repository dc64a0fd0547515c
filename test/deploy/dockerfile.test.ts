/**
 * The Dockerfile, without a Docker engine: its structure is checked, then its build steps run as
 * plain commands in temporary folders laid out as the two stages. The one substitution: the build
 * stage's `npm ci` (every dependency) is replaced by a link to this checkout's node_modules,
 * which .ci/run installed with the same lockfile. The runtime stage's production install runs as
 * written. Then the built image's entry point validates the compose example config, serves, and
 * passes the image's own HEALTHCHECK command.
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { execForm, instructions, parseDockerfile, parseHealthcheck, runCommand, type Stage } from '../helpers/dockerfile.ts'
import { freePort } from '../helpers/gateway.ts'

const ROOT = new URL('../../', import.meta.url)
const rootPath = (path: string): string => new URL(path, ROOT).pathname
const stages = parseDockerfile(readFileSync(rootPath('Dockerfile'), 'utf8'))
const build = stages.find((stage) => stage.name === 'build')
const runtime = stages[stages.length - 1]

/** The compose example's pushgate config, which the image runs in docker-compose.yml. */
const COMPOSE_CONFIG = 'examples/docker-compose/pushgate.yaml'

/** The environment of a fresh shell, plus what a step sets. */
const CLEAN_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root'
}

/**
 * npm takes packages from its cache when it has them, without asking the registry whether they
 * changed: .ci/run's `npm ci` filled the cache from the same lockfile, and a slow registry must
 * not stall the test. A fresh image build downloads the same files.
 */
const NPM_OFFLINE = { npm_config_prefer_offline: 'true' }

/**
 * Runs `command` with sh, as a Dockerfile RUN does. tap adds its coverage loader to NODE_OPTIONS
 * of every child process, even with an explicit env, and that loader breaks TypeScript 7's tsc
 * (an extensionless ES module), so the shell unsets it before anything else runs.
 */
function shellArgs (command: string): string[] {
  return ['-c', `unset NODE_OPTIONS; ${command}`]
}

/** Runs `argv` the way the image's ENTRYPOINT does, outside tap's coverage loader. */
function execArgs (argv: string[]): string[] {
  return ['-c', 'unset NODE_OPTIONS; exec "$@"', 'sh', ...argv]
}

function envOf (stage: Stage): Record<string, string> {
  const env: Record<string, string> = {}
  for (const { args } of instructions(stage, 'ENV')) {
    const [name = '', ...value] = args.split('=')
    env[name.trim()] = value.join('=').trim()
  }
  return env
}

t.test('multi-stage build on Node 24', async (t) => {
  t.ok(stages.length >= 2, 'at least a build and a runtime stage')
  for (const stage of stages) t.match(stage.image, /^node:24-/, `stage ${stage.name} starts from a Node 24 image`)
  t.ok(build, 'a stage named build')
  const fromBuild = instructions(runtime!, 'COPY').filter((copy) => copy.args.startsWith('--from='))
  t.same(fromBuild.map((copy) => copy.args), ['--from=build /app/dist ./dist'], 'the runtime stage takes only dist/ from the build')
})

t.test('runtime is production-only and non-root', async (t) => {
  const runs = instructions(runtime!, 'RUN').map((run) => runCommand(run.args))
  t.ok(runs.some((command) => /^npm ci --omit=dev\b/.test(command)), 'npm ci --omit=dev')
  t.notOk(instructions(runtime!, 'COPY').some((copy) => /node_modules|\bsrc\b/.test(copy.args)), 'no node_modules or sources from the build stage')

  const users = instructions(runtime!, 'USER')
  t.equal(users.length, 1)
  t.notMatch(users[0]?.args ?? 'root', /^(root|0)(:|$)/, 'the process does not run as root')
  const userLine = users[0]?.line ?? 0
  t.ok(instructions(runtime!, 'RUN').every((run) => run.line < userLine), 'installs happen before switching user')
})

t.test('entry point, port, health check agree', async (t) => {
  t.same(execForm(instructions(runtime!, 'ENTRYPOINT')[0]?.args ?? ''), ['node', 'dist/cli/main.js'])
  t.same(execForm(instructions(runtime!, 'CMD')[0]?.args ?? ''), ['serve', '--config', '/config/config.yaml'])

  const config = parse(readFileSync(rootPath(COMPOSE_CONFIG), 'utf8')) as { server: { port: number } }
  t.same(instructions(runtime!, 'EXPOSE').map((expose) => expose.args), [String(config.server.port)], 'EXPOSE is the config\'s server.port')

  const healthchecks = instructions(runtime!, 'HEALTHCHECK')
  t.equal(healthchecks.length, 1)
  const { options, command } = parseHealthcheck(healthchecks[0]?.args ?? '')
  t.equal(command?.[0], 'node', 'the check uses node: the image has no curl')
  t.ok(options.interval !== undefined && options.timeout !== undefined, 'interval and timeout are set')
  const url = new URL(envOf(runtime!).PUSHGATE_HEALTHCHECK_URL ?? 'http://invalid')
  t.equal(url.pathname, '/healthz')
  t.equal(url.hostname, '127.0.0.1')
  t.equal(Number(url.port), config.server.port)
})

t.test('.dockerignore excludes secrets', async (t) => {
  const ignored = readFileSync(rootPath('.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
  for (const entry of ['.git', 'node_modules', 'dist', 'secrets', '.env']) t.ok(ignored.includes(entry), `${entry} is ignored`)

  for (const copy of [...instructions(build!, 'COPY'), ...instructions(runtime!, 'COPY')]) {
    if (copy.args.startsWith('--from=')) continue
    const sources = copy.args.split(/\s+/).slice(0, -1)
    for (const source of sources) t.notOk(ignored.includes(source.replace(/\/$/, '')), `${source} is in the build context`)
  }
})

t.test('build steps run as commands', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-image-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const buildDir = join(dir, 'build')
  const appDir = join(dir, 'app')
  mkdirSync(buildDir)
  mkdirSync(appDir)

  const copyInto = (stage: Stage, target: string): void => {
    for (const copy of instructions(stage, 'COPY')) {
      if (copy.args.startsWith('--from=')) continue
      const parts = copy.args.split(/\s+/)
      const destination = parts[parts.length - 1]!
      for (const source of parts.slice(0, -1)) {
        const to = destination.endsWith('/') ? join(target, destination, source) : join(target, destination)
        cpSync(rootPath(source), to, { recursive: true })
      }
    }
  }
  const runAll = (stage: Stage, cwd: string, skip: (command: string) => boolean): void => {
    for (const run of instructions(stage, 'RUN')) {
      const command = runCommand(run.args)
      if (skip(command)) continue
      const result = spawnSync('sh', shellArgs(command), { cwd, encoding: 'utf8', env: { ...CLEAN_ENV, ...NPM_OFFLINE, ...envOf(stage) }, timeout: 60_000 })
      t.equal(result.status, 0, `${stage.name}: ${command}`, { stdout: result.stdout.slice(-2000), stderr: result.stderr.slice(-2000) })
    }
  }

  // Build stage: the sources, this checkout's node_modules in place of `npm ci`, then the build.
  copyInto(build!, buildDir)
  symlinkSync(rootPath('node_modules'), join(buildDir, 'node_modules'))
  runAll(build!, buildDir, (command) => /^npm ci\b/.test(command))
  t.ok(existsSync(join(buildDir, 'dist/cli/main.js')), 'the build wrote dist/cli/main.js')
  t.ok(existsSync(join(buildDir, 'dist/login/assets/login.js')), 'the build copied the login page assets')

  // Runtime stage: the production install as written, then dist/ from the build stage.
  copyInto(runtime!, appDir)
  runAll(runtime!, appDir, () => false)
  cpSync(join(buildDir, 'dist'), join(appDir, 'dist'), { recursive: true })
  for (const devOnly of ['tap', 'typescript', 'playwright-core']) {
    t.notOk(existsSync(join(appDir, 'node_modules', devOnly)), `${devOnly} is not installed in the image`)
  }

  // The compose config with the secret files and variables compose would provide.
  const secretsDir = join(dir, 'secrets')
  mkdirSync(secretsDir)
  writeFileSync(join(secretsDir, 'session_secret'), 'image-test-secret-0123456789-abcdefghijklmnop\n')
  writeFileSync(join(secretsDir, 'okta_api_token'), 'image-test-token\n')
  const port = await freePort()
  const configPath = join(dir, 'config.yaml')
  writeFileSync(configPath, readFileSync(rootPath(COMPOSE_CONFIG), 'utf8')
    .replaceAll('/run/secrets/', `${secretsDir}/`)
    .replace(/port: 9091/, `port: ${port}`))
  const env = {
    ...CLEAN_ENV,
    PUSHGATE_DOMAIN: 'example.test',
    // Loopback: nothing in this test may reach a real Okta org.
    OKTA_ORG_URL: 'http://127.0.0.1:9',
    PUSHGATE_USER: 'alice@example.com',
    ...envOf(runtime!)
  }
  const entrypoint = execForm(instructions(runtime!, 'ENTRYPOINT')[0]?.args ?? '') ?? []

  const checked = spawnSync('sh', execArgs([...entrypoint, 'check-config', '--config', configPath]), { cwd: appDir, env, encoding: 'utf8' })
  t.equal(checked.status, 0, 'the entry point\'s check-config accepts the compose config', { stderr: checked.stderr })
  t.match(checked.stdout, /is valid: 1 user\(s\), publicUrl https:\/\/auth\.example\.test\//)

  const cmd = execForm(instructions(runtime!, 'CMD')[0]?.args ?? '') ?? []
  const server = spawn('sh', execArgs([...entrypoint, ...cmd.map((arg) => arg === '/config/config.yaml' ? configPath : arg)]), { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  const exited = new Promise((resolve) => server.once('exit', resolve))
  t.teardown(async () => {
    if (server.exitCode === null) server.kill('SIGTERM')
    await exited
  })

  const { command } = parseHealthcheck(instructions(runtime!, 'HEALTHCHECK')[0]?.args ?? '')
  const healthEnv = { ...env, PUSHGATE_HEALTHCHECK_URL: `http://127.0.0.1:${port}/healthz` }
  const healthcheck = (): number | null => spawnSync('sh', execArgs(command ?? ['false']), { env: healthEnv }).status

  const deadline = Date.now() + 10_000
  let status = healthcheck()
  while (status !== 0 && Date.now() < deadline && server.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    status = healthcheck()
  }
  t.equal(status, 0, 'the HEALTHCHECK command passes against the running image', { output })

  server.kill('SIGTERM')
  await exited
  t.not(healthcheck(), 0, 'and fails once the server is gone')
})
