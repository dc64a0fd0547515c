/**
 * The view of a pending login that the login page's script receives, with the words it shows. A decoy
 * (no push sent) produces exactly the same view as a real push in the same state.
 */
import type { PendingLogin } from './pending-store.ts'

export interface PendingView {
  state: PendingLogin['state']
  message: string
  /** The number to tap in Okta Verify, when Okta asked for number matching. */
  number?: number
  /** Seconds until the push expires. */
  secondsLeft: number
  /** The target URL, once approved. */
  redirect?: string
}

/** The timeout message; it mentions the login only when the page asked for one. */
const NOT_ARRIVED = {
  typedLogin: 'No approval arrived in time. If no push reached your phone, check the login you entered; if it still does not arrive, ask your administrator whether Okta Verify is set up for you.',
  onlyUser: 'No approval arrived in time. If no push reached your phone, ask your administrator whether Okta Verify is set up for you.'
}

const FAILURES: Record<NonNullable<PendingLogin['failure']>, string> = {
  okta_unavailable: 'Okta could not be reached, so the push could not be checked. Sites you are already signed in to keep working. Try again in a minute.',
  okta_rate_limited: 'Okta is limiting requests right now. Wait a minute, then send a new push.',
  unexpected_result: 'Okta reported a problem with this push. Send a new one.'
}

/** Builds the view of `pending` at `nowMs`; `askedForLogin` is true when the page has a login field. */
export function toView (pending: PendingLogin, nowMs: number, askedForLogin: boolean): PendingView {
  const view: PendingView = {
    state: pending.state,
    message: messageFor(pending, askedForLogin),
    secondsLeft: Math.max(0, Math.ceil((pending.expiresAtMs - nowMs) / 1000))
  }
  if (pending.state === 'waiting' && pending.correctAnswer !== undefined) view.number = pending.correctAnswer
  if (pending.state === 'approved') view.redirect = pending.target
  return view
}

function messageFor (pending: PendingLogin, askedForLogin: boolean): string {
  switch (pending.state) {
    case 'waiting':
      return pending.correctAnswer === undefined
        ? 'Open Okta Verify on your phone and approve the push.'
        : `Open Okta Verify on your phone and tap ${pending.correctAnswer}.`
    case 'approved':
      return 'Approved. Taking you there…'
    case 'denied':
      return 'The push was denied on your phone. If you did not deny it, tell your administrator.'
    case 'timed_out':
      return askedForLogin ? NOT_ARRIVED.typedLogin : NOT_ARRIVED.onlyUser
    case 'cancelled':
      return pending.cancelledBy === 'newer_push'
        ? 'A newer push replaced this one, from this browser or another. Check the newest push on your phone.'
        : 'You cancelled the push.'
    case 'failed':
      return FAILURES[pending.failure ?? 'unexpected_result']
  }
}
