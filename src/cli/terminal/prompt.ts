/**
 * Yes/no questions on the terminal. Commands ask only when stdin is a terminal. Without one they
 * follow their flags instead, because a script cannot respond.
 */
import { createInterface } from 'node:readline/promises'
import type { InterruptListener } from './interrupt.ts'

/** True when a person can respond to a question on stdin. */
export function canPrompt (): boolean {
  return process.stdin.isTTY === true
}

/**
 * Asks `question` on stderr and reads the reply from stdin: y or yes, n or no, and an empty
 * reply takes `defaultAnswer`. Ctrl+C aborts through `interrupt`, throwing its InterruptedError.
 */
export async function confirm (question: string, defaultAnswer: boolean, interrupt: InterruptListener): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stderr })
  // readline reads Ctrl+C as a key and emits SIGINT on itself instead of on the process.
  readline.on('SIGINT', () => { interrupt.trigger('SIGINT') })
  const hint = defaultAnswer ? '[Y/n]' : '[y/N]'
  try {
    for (;;) {
      const answer = (await readline.question(`${question} ${hint} `, { signal: interrupt.signal })).trim().toLowerCase()
      if (answer === '') return defaultAnswer
      if (answer === 'y' || answer === 'yes') return true
      if (answer === 'n' || answer === 'no') return false
      process.stderr.write('Type yes or no.\n')
    }
  } catch (error) {
    if (interrupt.signal.aborted) throw interrupt.signal.reason
    throw error
  } finally {
    readline.close()
  }
}
