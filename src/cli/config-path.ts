/** Where a command finds its configuration file: `--config FILE`, else PUSHGATE_CONFIG. */
import { createError } from '../errors.ts'

/** Returns the configuration path, or throws PG_ERR_CONFIG_MISSING. */
export function configPath (option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const path = option ?? env.PUSHGATE_CONFIG
  if (path === undefined || path === '') throw createError('CONFIG_MISSING')
  return path
}
