/** `pushgate serve --config FILE`: runs the gateway. Bare `pushgate` runs this too. */
import type { Command } from 'commander'
import { loadConfigFile } from '../../config/load.ts'
import { closeOnSignals, startServer } from '../../server.ts'
import { configPath } from '../config-path.ts'
import { describeListenError } from '../listen-error.ts'

export function registerServe (program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('run the gateway (the default command)')
    .option('-c, --config <file>', 'configuration file (default: $PUSHGATE_CONFIG)')
    .action(async (options: { config?: string }) => {
      const path = configPath(options.config)
      const config = loadConfigFile(path)
      const { host, port } = config.server
      let app
      try {
        app = await startServer({ config })
      } catch (error) {
        throw describeListenError(error, host, port, { host: `server.host in ${path}`, port: `server.port in ${path}` })
      }
      closeOnSignals(app)
    })
}
