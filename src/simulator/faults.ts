/**
 * Injected failures for tests: the next matching API requests fail with an Okta error, arrive late,
 * or never get a response. Hung sockets and pending delays end when the simulator closes.
 */
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { InputError, requireObject } from './input.ts'
import { defaultErrorCode, standardError } from './okta-errors.ts'

/** The maximum delay a fault may request: 10 minutes. */
const MAX_DELAY_MS = 600_000

export interface Fault {
  /** HTTP status to respond with, 400–599, with an Okta error body. */
  status?: number
  /** The body's errorCode; defaults to the code Okta uses for `status`. */
  errorCode?: string
  /** Wait this long before responding (or before failing, with `status`). */
  delayMs?: number
  /** Never answer; the socket stays open until the client gives up or the simulator closes. */
  hang?: boolean
  /** How many matching requests the fault applies to. Default 1. */
  times: number
  /** Match only requests whose URL contains this text. */
  pathContains?: string
  /** For 429: `X-Rate-Limit-Reset` this many seconds after now. */
  rateLimitResetSeconds?: number
}

function optionalInteger (body: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${key} is ${JSON.stringify(value)}; it must be an integer from ${min} to ${max}`)
  }
  return value
}

/** Validates the body of `POST /_sim/faults`. */
export function parseFault (raw: unknown): Fault {
  const body = requireObject(raw, 'The fault')
  const fault: Fault = { times: optionalInteger(body, 'times', 1, 1_000_000) ?? 1 }
  const status = optionalInteger(body, 'status', 400, 599)
  const delayMs = optionalInteger(body, 'delayMs', 0, MAX_DELAY_MS)
  const resetSeconds = optionalInteger(body, 'rateLimitResetSeconds', 0, 86_400)
  if (status !== undefined) fault.status = status
  if (delayMs !== undefined) fault.delayMs = delayMs
  if (resetSeconds !== undefined) fault.rateLimitResetSeconds = resetSeconds

  for (const key of ['errorCode', 'pathContains'] as const) {
    const value = body[key]
    if (value === undefined) continue
    if (typeof value !== 'string' || value === '') throw new InputError(`${key} is ${JSON.stringify(value)}; it must be a non-empty string`)
    fault[key] = value
  }
  if (body.hang !== undefined && typeof body.hang !== 'boolean') throw new InputError(`hang is ${JSON.stringify(body.hang)}; it must be true or false`)
  if (body.hang === true) fault.hang = true

  if (fault.hang === true && (fault.status !== undefined || fault.delayMs !== undefined)) {
    throw new InputError('hang cannot be combined with status or delayMs: a hung request never gets a response')
  }
  if (fault.hang !== true && fault.status === undefined && fault.delayMs === undefined) {
    throw new InputError('The fault does nothing; give status, delayMs or hang: true')
  }
  return fault
}

export interface FaultRegistry {
  add: (fault: Fault) => void
  clear: () => void
  list: () => Fault[]
  /** Returns the first fault that matches `url` and counts one use of it. */
  take: (url: string) => Fault | undefined
  /** Applies `fault` to the request: waits, fails or hangs. Returns without effect for a plain delay. */
  apply: (fault: Fault, request: FastifyRequest, reply: FastifyReply, now: number) => Promise<void>
  /** Destroys hung sockets and ends pending delays; called when the simulator closes. */
  shutdown: () => void
}

export function createFaultRegistry (): FaultRegistry {
  let faults: Fault[] = []
  const hungSockets = new Set<Socket>()
  const closing = new AbortController()

  function take (url: string): Fault | undefined {
    const fault = faults.find((candidate) => candidate.pathContains === undefined || url.includes(candidate.pathContains))
    if (fault === undefined) return undefined

    fault.times--
    if (fault.times <= 0) faults = faults.filter((candidate) => candidate !== fault)
    return fault
  }

  async function apply (fault: Fault, request: FastifyRequest, reply: FastifyReply, now: number): Promise<void> {
    if (fault.hang === true || closing.signal.aborted) {
      holdSocket(request, reply)
      return
    }
    if (fault.delayMs !== undefined) {
      try {
        await sleep(fault.delayMs, undefined, { signal: closing.signal })
      } catch {
        holdSocket(request, reply)
        return
      }
    }
    if (fault.status === undefined) return

    if (fault.status === 429) {
      reply.header('x-rate-limit-remaining', 0)
      if (fault.rateLimitResetSeconds !== undefined) reply.header('x-rate-limit-reset', Math.ceil(now / 1000) + fault.rateLimitResetSeconds)
    }
    throw standardError(fault.status, fault.errorCode ?? defaultErrorCode(fault.status))
  }

  // The socket is kept open and unanswered; shutdown() destroys it.
  function holdSocket (request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack()
    const socket = request.raw.socket
    if (closing.signal.aborted) {
      socket.destroy()
      return
    }
    hungSockets.add(socket)
    socket.once('close', () => hungSockets.delete(socket))
  }

  return {
    add: (fault) => { faults.push(fault) },
    clear: () => { faults = [] },
    list: () => faults.map((fault) => ({ ...fault })),
    take,
    apply,
    shutdown () {
      closing.abort()
      for (const socket of hungSockets) socket.destroy()
      hungSockets.clear()
    }
  }
}
