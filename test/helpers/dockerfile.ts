/**
 * A reader for the Dockerfile instructions the deployment tests check. It handles what the
 * project's Dockerfile uses: comments, `\` line continuations, stages, and JSON (exec) or shell
 * forms. It is no general Dockerfile parser: heredocs and parser directives other than the
 * leading `# syntax=` comment are not read.
 */

export interface Instruction {
  /** Upper case, such as RUN or COPY. */
  keyword: string
  /** The text after the keyword, continuations joined with spaces. */
  args: string
  line: number
}

export interface Stage {
  /** The `AS` name, or the index as text for an unnamed stage. */
  name: string
  image: string
  instructions: Instruction[]
}

/** Splits a Dockerfile into stages. Instructions before the first FROM (ARG) are dropped. */
export function parseDockerfile (text: string): Stage[] {
  const stages: Stage[] = []
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const start = index
    let current = lines[index] ?? ''
    if (/^\s*(#|$)/.test(current)) continue
    while (current.trimEnd().endsWith('\\') && index + 1 < lines.length) {
      index++
      const next = lines[index] ?? ''
      if (/^\s*#/.test(next)) continue
      current = current.trimEnd().slice(0, -1) + ' ' + next.trim()
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(current)
    if (match === null) continue
    const instruction = { keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start + 1 }

    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/)
      stages.push({ name: as?.toUpperCase() === 'AS' && name !== undefined ? name : String(stages.length), image, instructions: [] })
    } else {
      stages[stages.length - 1]?.instructions.push(instruction)
    }
  }
  return stages
}

/** Returns the instructions of `stage` with `keyword`. */
export function instructions (stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword)
}

/** Reads an exec-form argument list (`["node", "x.js"]`), or undefined for the shell form. */
export function execForm (args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined
  const parsed: unknown = JSON.parse(args)
  return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined
}

/** Returns the shell command of a RUN instruction, without its leading `--mount=…` style flags. */
export function runCommand (args: string): string {
  return args.replace(/^(--[a-z-]+=\S+\s+)+/, '')
}

/** Parses the options and the exec-form command of a HEALTHCHECK instruction. */
export function parseHealthcheck (args: string): { options: Record<string, string>, command: string[] | undefined } {
  const options: Record<string, string> = {}
  let rest = args
  for (;;) {
    const match = /^--([a-z-]+)=(\S+)\s+/.exec(rest)
    if (match === null) break
    options[match[1]!] = match[2]!
    rest = rest.slice(match[0].length)
  }
  const command = rest.startsWith('CMD ') ? execForm(rest.slice(4).trim()) : undefined
  return { options, command }
}
