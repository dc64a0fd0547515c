/**
 * Runs tasks that share a key one after another, and tasks with different keys side by side.
 * Push starts for one user go through it, so that two starts arriving together cannot both see
 * no older push to cancel and leave two pushes waiting on the phone.
 */
export class PerKeyQueue {
  /** The last task queued for each key; a key is removed when its queue runs empty. */
  readonly #tails = new Map<string, Promise<unknown>>()

  /** Runs `task` after every task queued earlier for `key` has settled, and returns its result. */
  async run<T> (key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const current = previous.then(task, task)
    const tail = current.catch(() => undefined)
    this.#tails.set(key, tail)
    try {
      return await current
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }

  /** Keys with a task running or waiting. */
  get size (): number {
    return this.#tails.size
  }
}
