import { createServer, type AddressInfo } from 'node:net'
import t from 'tap'
import { runCli } from './helpers.ts'

t.test('simulator --help shows the port default once', async (t) => {
  const result = await runCli(t, ['simulator', '--help'], {})
  t.equal(result.code, 0)
  const portLine = result.stdout.split('\n').find((line) => line.includes('--port')) ?? ''
  t.match(portLine, '(default: 0, any free port)')
  t.equal(result.stdout.match(/\(default:/g)?.length, 3, 'one default each for --port, --host and --api-token')
  t.notMatch(result.stdout, '(default: "0")')
})

t.test('simulator on a busy port names the address and --port', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { blocker.close() })
  const port = (blocker.address() as AddressInfo).port

  const result = await runCli(t, ['simulator', '--port', String(port)], {})
  t.equal(result.code, 2)
  t.match(result.stderr, `Cannot listen on 127.0.0.1:${port}: another program is already using port ${port} there (EADDRINUSE)`)
  t.match(result.stderr, 'choose a free port with --port')
  t.notMatch(result.stderr, 'failed unexpectedly')
})
