/** Messages for a server that cannot listen, shared by `pushgate serve` and `pushgate simulator`. */
import { CliError, EXIT_USAGE } from './exit.ts'

/** The settings that choose the address, as a message names them: `server.port in FILE` or `--port`. */
export interface ListenSettings {
  host: string
  port: string
}

/**
 * Describes a failed listen on `host`:`port` as a CliError (exit 2) that names the address, the
 * cause and the setting to change. Other errors are returned unchanged.
 */
export function describeListenError (error: unknown, host: string, port: number, settings: ListenSettings): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`
  switch (code) {
    case 'EADDRINUSE':
      return new CliError(`Cannot listen on ${address}: another program is already using port ${port} there (EADDRINUSE). Stop that program, or choose a free port with ${settings.port}.`, EXIT_USAGE)
    case 'EACCES':
      return new CliError(`Cannot listen on ${address}: permission denied (EACCES); ports below 1024 need extra privileges. Choose a port of 1024 or above with ${settings.port}.`, EXIT_USAGE)
    case 'EADDRNOTAVAIL':
      return new CliError(`Cannot listen on ${address}: this machine has no network interface with the address ${host} (EADDRNOTAVAIL). Choose one of its addresses with ${settings.host}, such as 0.0.0.0 for every IPv4 interface or 127.0.0.1.`, EXIT_USAGE)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CliError(`Cannot listen on ${address}: the host name ${host} did not resolve (${code}). Choose an IP address of this machine with ${settings.host}, such as 0.0.0.0 or 127.0.0.1.`, EXIT_USAGE)
    default:
      return error
  }
}
