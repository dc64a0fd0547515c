#!/usr/bin/env node
/**
 * The `pushgate` command. Each subcommand lives in src/cli/commands/; this file only wires them
 * and turns errors into a message and an exit code, never a stack trace.
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { PushgateError } from '../errors.ts'
import { registerCheckConfig } from './commands/check-config.ts'
import { registerDemo } from './commands/demo.ts'
import { registerEnroll } from './commands/enroll.ts'
import { registerFactors } from './commands/factors.ts'
import { registerServe } from './commands/serve.ts'
import { registerSimulator } from './commands/simulator.ts'
import { registerTestPush } from './commands/test-push.ts'
import { registerUnenroll } from './commands/unenroll.ts'
import { CliError, EXIT_USAGE } from './exit.ts'
import { sanitizeLines } from './terminal/sanitize.ts'

function packageVersion (): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(text) as { version: string }).version
}

/** Builds the program with every subcommand. */
function buildProgram (): Command {
  const program = new Command()
    .name('pushgate')
    .description('Forward-auth gateway that signs people in with an Okta Verify push')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .hook('preSubcommand', rejectUnknownCommand)

  registerServe(program)
  registerDemo(program)
  registerCheckConfig(program)
  registerEnroll(program)
  registerFactors(program)
  registerTestPush(program)
  registerUnenroll(program)
  registerSimulator(program)
  for (const command of program.commands) command.exitOverride()
  return program
}

/**
 * Reports `pushgate frobnicate` as an unknown command. serve is Commander's default command, so
 * Commander dispatches any word that is not a command name to serve, which would fail with
 * "too many arguments for 'serve'". Bare `pushgate` and `pushgate --config FILE` still run serve.
 */
function rejectUnknownCommand (program: Command, subcommand: Command): void {
  const first = program.args[0]
  if (first === undefined || first.startsWith('-')) return
  if (first === subcommand.name() || subcommand.aliases().includes(first)) return
  // Commander's own error, with its "Did you mean …?" suggestion. The method is public in
  // Commander 15 but missing from its typings.
  ;(program as unknown as { unknownCommand: () => never }).unknownCommand()
}

/** Runs the program on `argv` and returns the exit code for errors; long-running commands keep the process alive. */
async function main (argv: string[]): Promise<number | undefined> {
  try {
    await buildProgram().parseAsync(argv)
    return undefined
  } catch (error) {
    return reportError(error)
  }
}

/**
 * Prints the error's message and returns the exit code. Messages can quote Okta's text, so each
 * line is sanitised again here, in case a command missed a value.
 */
function reportError (error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version end with exit code 0; Commander already printed usage errors.
    return error.exitCode === 0 ? 0 : EXIT_USAGE
  }
  if (error instanceof CliError) {
    process.stderr.write(`${sanitizeLines(error.message)}\n`)
    return error.exitCode
  }
  if (error instanceof PushgateError) {
    process.stderr.write(`${sanitizeLines(error.message)}\n`)
    return EXIT_USAGE
  }
  process.stderr.write(`pushgate failed unexpectedly: ${sanitizeLines(error instanceof Error ? error.message : String(error))}\n`)
  return 1
}

const code = await main(process.argv)
if (code !== undefined) process.exitCode = code
