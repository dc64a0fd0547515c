/** `pushgate serve --config FILE`: runs the gateway. Bare `pushgate` runs this too. */
import type { Command } from 'commander'
import { loadConfigFile } from '../../config/load.ts'
import { closeOnSignals, startServer } from '../../server.ts'
import { configPath } from '../config-path.ts'

export function registerServe (program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('run the gateway (the default command)')
    .option('-c, --config <file>', 'configuration file (default: $PUSHGATE_CONFIG)')
    .action(async (options: { config?: string }) => {
      const config = loadConfigFile(configPath(options.config))
      const app = await startServer({ config })
      closeOnSignals(app)
    })
}
