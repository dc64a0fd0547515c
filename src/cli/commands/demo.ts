/** `pushgate demo`: the embedded demo that `npm start` runs; needs no configuration and no Okta account. */
import type { Command } from 'commander'
import { DEMO_USER, startDemo } from '../../demo/run-demo.ts'

export function registerDemo (program: Command): void {
  program
    .command('demo')
    .description('run pushgate, the Okta simulator and a protected demo app on 127.0.0.1')
    .option('--verbose', 'log every request and the audit trail')
    .action(async (options: { verbose?: boolean }) => {
      const demo = await startDemo({ logLevel: options.verbose === true ? 'info' : 'warn' })
      process.stdout.write([
        'pushgate demo is running. Nothing here talks to Okta; an Okta simulator stands in for it.',
        '',
        `  1. Open the protected app:    ${demo.appUrl}`,
        `  2. Approve the push on the simulated phone:  ${demo.simulator.phoneUrl}`,
        '',
        `  pushgate:        ${demo.pushgateUrl}`,
        `  Okta simulator:  ${demo.simulator.url}`,
        `  Demo user:       ${DEMO_USER.login}`,
        '',
        'Press Ctrl+C to stop.',
        ''
      ].join('\n'))

      const stop = (): void => {
        demo.close().then(() => process.exit(0), () => process.exit(1))
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
