/**
 * Throughput of pushgate's authz check against a bare Fastify route in the same run, with
 * autocannon. The ratio is what matters: both sides run on the same machine at the same moment.
 * Scenarios alternate over several rounds and the table shows each scenario's median, because a
 * shared virtual machine's speed drifts by tens of percent within a minute.
 *
 * Usage: node bench/authz.ts [--duration 5] [--connections 50] [--rounds 3]
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' }
  }
})
const durationSeconds = Number(values.duration)
const connections = Number(values.connections)
const rounds = Number(values.rounds)

const targets = spawn(process.execPath, [new URL('./targets.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] })
const firstLine = await new Promise<string>((resolve) => {
  createInterface({ input: targets.stdout }).once('line', resolve)
})
const { bare, bareLogged, pushgate, cookie } = JSON.parse(firstLine) as { bare: string, bareLogged: string, pushgate: string, cookie: string }

const FORWARDED = {
  'x-forwarded-method': 'GET',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'app.example.test',
  'x-forwarded-uri': '/dashboard?tab=2',
  'x-forwarded-for': '203.0.113.7'
}

const scenarios = [
  { name: 'bare Fastify route (baseline)', url: `${bare}/authz`, headers: { ...FORWARDED, cookie } },
  { name: 'bare Fastify route, pino logger at warn', url: `${bareLogged}/authz`, headers: { ...FORWARDED, cookie } },
  { name: 'forward-auth, signed in (200)', url: `${pushgate}/authz/forward-auth`, headers: { ...FORWARDED, cookie } },
  { name: 'auth-request, signed in (200)', url: `${pushgate}/authz/auth-request`, headers: { 'x-original-url': 'https://app.example.test/dashboard', 'x-original-method': 'GET', cookie } },
  { name: 'forward-auth, no session (302)', url: `${pushgate}/authz/forward-auth`, headers: { ...FORWARDED, accept: 'text/html', 'sec-fetch-mode': 'navigate' } }
]

interface Measurement { requestsPerSecond: number, p99Ms: number, unexpected: number }

async function measure (scenario: typeof scenarios[number], durationSeconds: number): Promise<Measurement> {
  const result = await autocannon({ url: scenario.url, headers: scenario.headers, connections, duration: durationSeconds })
  const expectedStatus = scenario.name.includes('302') ? '3xx' : '2xx'
  const unexpected = result.errors + result.timeouts + (expectedStatus === '2xx' ? result.non2xx : result['2xx'])
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, unexpected }
}

// A short warm-up, so the JIT and the session cache are in their steady state.
for (const scenario of scenarios) await measure(scenario, 2)

const measurements = scenarios.map(() => [] as Measurement[])
for (let round = 0; round < rounds; round++) {
  for (const [index, scenario] of scenarios.entries()) measurements[index]?.push(await measure(scenario, durationSeconds))
}
targets.kill()

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}
const baseline = median(measurements[0]?.map((m) => m.requestsPerSecond) ?? [1])

console.log(`\nautocannon, ${connections} connections, ${rounds} rounds of ${durationSeconds} s per scenario, medians\n`)
console.log('| scenario | requests/s | p99 latency | vs baseline |')
console.log('|---|---:|---:|---:|')
for (const [index, scenario] of scenarios.entries()) {
  const runs = measurements[index] ?? []
  const requestsPerSecond = median(runs.map((m) => m.requestsPerSecond))
  const unexpected = runs.reduce((sum, m) => sum + m.unexpected, 0)
  console.log(`| ${scenario.name} | ${Math.round(requestsPerSecond)} | ${median(runs.map((m) => m.p99Ms))} ms | ${(requestsPerSecond / baseline).toFixed(2)} |`)
  if (unexpected > 0) console.log(`| (${unexpected} unexpected responses or errors in this scenario) | | | |`)
}
