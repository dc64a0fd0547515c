/** `pushgate simulator [--port N]`: runs the Okta simulator alone, for trying pushgate or the CLI without Okta. */
import { Option, type Command } from 'commander'
import { describeSimulator, startSimulator } from '../../simulator/index.ts'
import { CliError } from '../exit.ts'
import { describeListenError } from '../listen-error.ts'

/** The token the standalone simulator accepts unless --api-token is given. It guards nothing real. */
export const DEFAULT_SIMULATOR_TOKEN = 'simulator-api-token'

export function registerSimulator (program: Command): void {
  program
    .command('simulator')
    .description('run the Okta simulator alone and print its URL and its phone page\'s URL')
    .addOption(new Option('-p, --port <port>', 'TCP port to listen on').default('0', '0, any free port'))
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--api-token <token>', 'the SSWS token the simulator accepts', DEFAULT_SIMULATOR_TOKEN)
    .action(async (options: { port: string, host: string, apiToken: string }) => {
      const port = Number(options.port)
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new CliError(`--port is ${JSON.stringify(options.port)}; give a whole number from 0 to 65535`)
      }
      let simulator
      try {
        simulator = await startSimulator({ apiToken: options.apiToken, host: options.host, port, logger: false })
      } catch (error) {
        throw describeListenError(error, options.host, port, { host: '--host', port: '--port' })
      }
      // The token is shown in full: it guards only this local simulator.
      process.stdout.write(`${describeSimulator(simulator, options.apiToken, { showToken: true }).join('\n')}\n`)
      const stop = (): void => { simulator.close().then(() => process.exit(0), () => process.exit(1)) }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
