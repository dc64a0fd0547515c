/**
 * Options shared by the factor commands (enroll, factors, test-push, unenroll).
 */
import { Option, type Command } from 'commander'
import { CliError } from '../exit.ts'
import { DEFAULT_POLL_INTERVAL_MS } from './polling.ts'

/** Adds `--login` (required) and `--config`. */
export function addUserOptions (command: Command): Command {
  return command
    .requiredOption('-l, --login <login>', 'the Okta login (usually an email address) or user id')
    .option('-c, --config <file>', 'read the okta section of this configuration file (default: $OKTA_ORG_URL and $OKTA_API_TOKEN, else $PUSHGATE_CONFIG)')
}

/**
 * Adds the hidden `--poll-interval-ms`, the time between polls while a person is expected to act.
 * Tests shorten it; people have no reason to, and faster polls spend Okta's rate limit.
 */
export function addPollIntervalOption (command: Command): Command {
  return command.addOption(new Option('--poll-interval-ms <ms>', 'time between polls, in milliseconds').default(String(DEFAULT_POLL_INTERVAL_MS)).hideHelp())
}

/** Smallest and largest accepted `--poll-interval-ms`. */
const POLL_INTERVAL_RANGE_MS = [100, 60_000] as const

/** Parses `--poll-interval-ms`; throws CliError (exit 2) for anything but a whole number in range. */
export function parsePollIntervalMs (text: string): number {
  const [min, max] = POLL_INTERVAL_RANGE_MS
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new CliError(`--poll-interval-ms is ${JSON.stringify(text)}; give a whole number of milliseconds from ${min} to ${max}`)
  }
  return value
}
