/**
 * Push transactions: created by `POST …/verify`, approved or denied on the phone page or through the control
 * API,
 * polled through the Factors API.
 */
import { randomInt } from 'node:crypto'
import { newTransactionId } from './ids.ts'
import { InputError } from './input.ts'
import type { NumberChallenge, PushState, PushTransaction, SimFactor, SimState, SimUser } from './model.ts'

export interface NewPush {
  user: SimUser
  factor: SimFactor
  numberChallenge: boolean
  userAgent: string
  clientIp: string
  now: number
  lifetimeMs: number
}

/** Sends a push to the user's phone and counts it in the statistics. */
export function createPush (state: SimState, request: NewPush): PushTransaction {
  const push: PushTransaction = {
    id: newTransactionId(),
    userId: request.user.id,
    factorId: request.factor.id,
    state: 'WAITING',
    createdAt: request.now,
    expiresAt: request.now + request.lifetimeMs,
    userAgent: request.userAgent,
    clientIp: request.clientIp
  }
  if (request.numberChallenge) push.challenge = createChallenge()
  state.pushes.set(push.id, push)

  const received = state.stats.pushesReceived
  received.total++
  received.byLogin[request.user.login] = (received.byLogin[request.user.login] ?? 0) + 1
  return push
}

/**
 * Picks the number to tap (1–99) and two other distinct numbers. The three choices that Okta Verify
 * shows come sorted, so their order gives nothing away.
 */
function createChallenge (): NumberChallenge {
  const numbers = new Set<number>()
  while (numbers.size < 3) numbers.add(randomInt(1, 100))

  const choices = [...numbers].sort((a, b) => a - b)
  const correctAnswer = choices[randomInt(choices.length)]!
  return { correctAnswer, choices }
}

/** Returns the push's state at `now`, turning a WAITING push past `expiresAt` into TIMEOUT. */
export function refreshPush (push: PushTransaction, now: number): PushState {
  if (push.state === 'WAITING' && now >= push.expiresAt) push.state = 'TIMEOUT'
  return push.state
}

export type PushAction = 'approve' | 'deny' | 'timeout'

/**
 * Approves, denies or times out a WAITING push as the phone would. Approving a number challenge
 * with a wrong `answer` rejects the push, and approving without `answer` taps the correct number. Throws InputError (409)
 * when the push is no longer WAITING.
 */
export function answerPush (push: PushTransaction, action: PushAction, answer: number | undefined, now: number): PushState {
  const current = refreshPush(push, now)
  if (current !== 'WAITING') throw new InputError(`Push ${push.id} is ${current}, not WAITING; only a waiting push can be approved or denied`, 409)

  if (action === 'deny') push.state = 'REJECTED'
  if (action === 'timeout') push.state = 'TIMEOUT'
  if (action === 'approve') {
    const wrongNumber = push.challenge !== undefined && answer !== undefined && answer !== push.challenge.correctAnswer
    push.state = wrongNumber ? 'REJECTED' : 'SUCCESS'
  }
  return push.state
}

/** Cancels a WAITING push, as `DELETE` on the transaction does; other states stay as they are. */
export function cancelPush (push: PushTransaction, now: number): void {
  if (refreshPush(push, now) === 'WAITING') push.state = 'CANCELLED'
}

/** Returns the pushes, oldest first, with expired ones turned into TIMEOUT. */
export function listPushes (state: SimState, now: number): PushTransaction[] {
  const pushes = [...state.pushes.values()]
  for (const push of pushes) refreshPush(push, now)
  return pushes
}

/** Returns the user's newest WAITING push, if any. */
export function latestWaitingPush (state: SimState, userId: string, now: number): PushTransaction | undefined {
  return listPushes(state, now).filter((push) => push.userId === userId && push.state === 'WAITING').at(-1)
}
