/**
 * Harness for the factor commands: the Okta simulator on 127.0.0.1 port 0 in the test process,
 * and `node src/cli/main.ts …` as a child process whose stdin is not a terminal. Tests act as the
 * phone through the simulator's control API.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import jsqr from 'jsqr'
import { PNG } from 'pngjs'
import type { Test } from 'tap'
import { request } from 'undici'
import { parse } from 'yaml'
import { parseConfigObject } from '../../src/config/load.ts'
import { startSimulator, type RunningSimulator, type SimulatedUserInput, type SimulatorOptions } from '../../src/simulator/index.ts'
import { SimulatorControl } from '../helpers/simulator-control.ts'

/** A token distinctive enough that finding it in any output means it leaked. */
export const API_TOKEN = 'cli-test-token-7f3a9c1e5b2d4068aa'

/** Polls fast so the tests spend little time waiting; the default is 3000. */
export const FAST_POLL = ['--poll-interval-ms', '150']

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Maximum time a CLI run may take before the test kills it, in milliseconds. */
const RUN_TIMEOUT_MS = 30_000

export interface CliSimulator {
  sim: RunningSimulator
  control: SimulatorControl
  /** The environment that points the CLI at this simulator. */
  env: Record<string, string>
  /** Calls the control API under /_sim and returns the parsed JSON. */
  simGet: (path: string) => Promise<any>
  simPost: (path: string, body: unknown) => Promise<{ status: number, body: any }>
  /** Calls the Okta API with the token, as an admin would. */
  oktaGet: (path: string) => Promise<any>
}

/** Starts a simulator with `users` for one test; it closes when the test ends. */
export async function startCliSimulator (t: Test, users: SimulatedUserInput[], options: Partial<SimulatorOptions> = {}): Promise<CliSimulator> {
  const sim = await startSimulator({ apiToken: API_TOKEN, users, ...options })
  t.teardown(() => sim.close())

  const simGet = async (path: string) => await getJson(`${sim.url}/_sim${path}`)
  const simPost = async (path: string, body: unknown) => {
    const response = await request(`${sim.url}/_sim${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const text = await response.body.text()
    return { status: response.statusCode, body: text === '' ? undefined : JSON.parse(text) }
  }
  const oktaGet = async (path: string) => await getJson(`${sim.url}/api/v1${path}`, { authorization: `SSWS ${API_TOKEN}` })
  return {
    sim,
    control: new SimulatorControl(sim.url),
    env: { OKTA_ORG_URL: sim.url, OKTA_API_TOKEN: API_TOKEN },
    simGet,
    simPost,
    oktaGet
  }
}

async function getJson (url: string, headers: Record<string, string> = {}): Promise<any> {
  const response = await request(url, { headers })
  const text = await response.body.text()
  if (response.statusCode >= 400) throw new Error(`GET ${url} returned ${response.statusCode}: ${text}`)
  return JSON.parse(text)
}

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliRun {
  /** Settles when the process exits. */
  done: Promise<CliResult>
  /** Resolves with stderr once it matches `pattern`; rejects when the process exits first. */
  waitForStderr: (pattern: RegExp) => Promise<string>
  kill: (signal: NodeJS.Signals) => void
}

/**
 * Starts `pushgate <args>` with only `env` (plus PATH and HOME), stdin not a terminal. The process
 * is killed if it is still running after RUN_TIMEOUT_MS or when the test ends.
 */
export function startCli (t: Test, args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, ['src/cli/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  let exited = false
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })

  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      exited = true
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
  t.teardown(() => { if (!exited) child.kill('SIGKILL') })

  const waitForStderr = async (pattern: RegExp): Promise<string> => {
    for (;;) {
      if (pattern.test(stderr)) return stderr
      if (exited) throw new Error(`the CLI exited before its stderr matched ${pattern}; stderr:\n${stderr}\nstdout:\n${stdout}`)
      await sleep(25)
    }
  }
  return { done, waitForStderr, kill: (signal) => { child.kill(signal) } }
}

/** Runs `pushgate <args>` to the end. */
export async function runCli (t: Test, args: string[], env: Record<string, string>): Promise<CliResult> {
  return await startCli(t, args, env).done
}

/** Checks that the API token appears in neither stdout nor stderr. */
export function assertNoToken (t: Test, result: CliResult): void {
  t.notOk(result.stdout.includes(API_TOKEN), 'stdout does not contain the API token')
  t.notOk(result.stderr.includes(API_TOKEN), 'stderr does not contain the API token')
}

/** Decodes the QR code in a PNG file, as a phone camera would; undefined when there is none. */
export function decodeQrFile (path: string): string | undefined {
  const image = PNG.sync.read(readFileSync(path))
  // jsqr is CommonJS: under nodenext the default import is module.exports, whose `default` is the decoder.
  return jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data
}

/**
 * Decodes a QR code drawn with block characters, the CLI's output when stderr is not a terminal.
 * Each character is one module wide and two high: `█` is dark over dark, `▀` dark over light, `▄`
 * light over dark, and a space light over light. Returns the text, or undefined when jsQR finds none.
 */
export function decodeTextQr (drawing: string): string | undefined {
  const rows = drawing.split('\n').filter((line) => /[█▀▄]/.test(line))
  const width = Math.max(...rows.map((row) => [...row].length)) + 8
  const modules: boolean[][] = [[], [], [], []].map(() => new Array<boolean>(width).fill(false))
  for (const row of rows) {
    const top = new Array<boolean>(width).fill(false)
    const bottom = new Array<boolean>(width).fill(false)
    ;[...row].forEach((character, index) => {
      top[index + 4] = character === '█' || character === '▀'
      bottom[index + 4] = character === '█' || character === '▄'
    })
    modules.push(top, bottom)
  }
  modules.push(...[[], [], [], []].map(() => new Array<boolean>(width).fill(false)))

  const scale = 4
  const pixelWidth = width * scale
  const pixels = new Uint8ClampedArray(pixelWidth * modules.length * scale * 4)
  modules.forEach((line, y) => {
    line.forEach((dark, x) => {
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const offset = (((y * scale + dy) * pixelWidth) + x * scale + dx) * 4
          pixels.fill(dark ? 0 : 255, offset, offset + 3)
          pixels[offset + 3] = 255
        }
      }
    })
  })
  return jsqr.default(pixels, pixelWidth, modules.length * scale)?.data
}

/** Waits until `read` returns a value, polling every 25 ms, for at most `timeoutMs`. */
export async function eventually<T> (read: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`nothing arrived within ${timeoutMs} ms`)
    await sleep(25)
  }
}

/** Returns a path named `name` in a new temporary folder. */
export function scratchFile (name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'pushgate-cli-')), name)
}

/** Parses the snippet the CLI printed, after checking that the configuration schema accepts it. */
export function parseSnippet (t: Test, stdout: string): { login: string, oktaUserId: string, factorId: string } {
  const users = (parse(`users:\n${stdout}`) as { users: Array<{ login: string, oktaUserId: string, factorId: string }> }).users
  t.equal(users.length, 1, 'the snippet is one users: entry')
  const config = parseConfigObject({
    publicUrl: 'https://auth.example.com',
    session: { secret: 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz' },
    okta: { orgUrl: 'https://example.okta.com', apiToken: 'token' },
    users
  }, 'the snippet', {})
  t.equal(config.users.length, 1, 'the configuration schema accepts the snippet')
  return users[0]!
}

/** Lists the user's factors through the Okta API. */
export async function oktaFactors (sim: CliSimulator, login: string): Promise<Array<{ id: string, status: string }>> {
  const user = await sim.oktaGet(`/users/${encodeURIComponent(login)}`)
  return await sim.oktaGet(`/users/${user.id}/factors`)
}

/** Waits for the QR code file, decodes it and scans it through the control API, as a phone would. */
export async function scanQrFile (sim: CliSimulator, file: string, previous?: string): Promise<string> {
  const content = await eventually(() => {
    if (!existsSync(file)) return undefined
    try {
      const decoded = decodeQrFile(file)
      return decoded === previous ? undefined : decoded
    } catch {
      return undefined // The CLI may be writing the file right now.
    }
  })
  const scanned = await sim.simPost('/scan', { content })
  if (scanned.status !== 200) throw new Error(`scan returned ${scanned.status}: ${JSON.stringify(scanned.body)}`)
  return content
}
