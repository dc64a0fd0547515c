/**
 * A typed client for the simulator's control API (/_sim/), which tests use in place of a person
 * with a phone: approve, deny or time out a push, inject faults, and count the pushes received.
 */
import { request } from 'undici'

export interface SimulatedPush {
  transactionId: string
  login: string
  factorId: string
  state: string
  correctAnswer?: number
  choices?: number[]
  userAgent: string
  clientIp: string
  expiresAt: string
}

export interface SimulatorFault {
  status?: number
  errorCode?: string
  delayMs?: number
  hang?: boolean
  times?: number
  pathContains?: string
  rateLimitResetSeconds?: number
}

export class SimulatorControl {
  readonly #base: string

  constructor (orgUrl: string) {
    this.#base = `${orgUrl}/_sim`
  }

  async pushes (query: { login?: string, state?: string } = {}): Promise<SimulatedPush[]> {
    const search = new URLSearchParams(query as Record<string, string>).toString()
    return await this.#call('GET', `/pushes${search === '' ? '' : `?${search}`}`) as SimulatedPush[]
  }

  /** Answers the user's newest waiting push: approve (with the right number unless `answer` is given), deny or timeout. */
  async answerLatest (login: string, action: 'approve' | 'deny' | 'timeout', answer?: number): Promise<SimulatedPush> {
    const body = answer === undefined ? {} : { answer }
    return await this.#call('POST', `/users/${encodeURIComponent(login)}/latest-push/${action}`, body) as SimulatedPush
  }

  async stats (): Promise<{ pushesReceived: { total: number, byLogin: Record<string, number> } }> {
    return await this.#call('GET', '/stats') as { pushesReceived: { total: number, byLogin: Record<string, number> } }
  }

  async fault (fault: SimulatorFault): Promise<void> {
    await this.#call('POST', '/faults', fault)
  }

  async clearFaults (): Promise<void> {
    await this.#call('DELETE', '/faults')
  }

  async setUser (login: string, changes: { status?: string, groups?: string[] }): Promise<void> {
    await this.#call('PATCH', `/users/${encodeURIComponent(login)}`, changes)
  }

  async #call (method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await request(`${this.#base}${path}`, {
      method: method as 'GET',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body)
    })
    const text = await response.body.text()
    if (response.statusCode >= 400) throw new Error(`simulator ${method} ${path} answered ${response.statusCode}: ${text}`)
    return text === '' ? undefined : JSON.parse(text)
  }
}
