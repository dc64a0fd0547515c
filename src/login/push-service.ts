/**
 * The push login, from the click on "Send push" to an approved identity: resolve the user, check
 * the limits, send the push through Okta, poll it, and record every step in the audit log.
 *
 * A login that cannot receive a push gets a decoy: it is not in `users`, unknown to Okta, without
 * an ACTIVE push factor, or in a refused status. The page then behaves exactly as for a real push
 * and ends with the same "timed out" message, so the login page never reveals which logins exist.
 * The log records which case it was.
 */
import { randomInt } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../clock.ts'
import type { Config } from '../config/schema.ts'
import { createError, PushgateError } from '../errors.ts'
import type { AuditContext, AuditLog } from '../security/audit.ts'
import type { LoginLimits } from '../security/login-limits.ts'
import { PerKeyQueue } from '../security/per-key-queue.ts'
import { withRetryAfter } from '../security/retry-after.ts'
import type { PendingLogin, PendingStore } from './pending-store.ts'
import type { PushOutcome } from '../okta/types.ts'
import type { PushOkta } from './push-okta.ts'
import { LatencyEstimate } from './latency-estimate.ts'
import { canSignIn } from './user-status.ts'

/**
 * Okta is polled at most this often per pending login, whatever the browser does. Okta's own
 * sign-in widget polls a push every 4 s; every poll counts against the org's rate limit.
 */
export const OKTA_POLL_INTERVAL_MS = 3_000

/** Push lifetime used for decoys until a real push has shown Okta's (Okta does not document it). */
const DEFAULT_PUSH_LIFETIME_MS = 5 * 60_000

/** When Okta stays unreachable this long past a push's expiry, the login is marked failed. */
const EXPIRY_GRACE_MS = 30_000

export interface StartInput {
  browserId: string
  /** The browser's flow id before this push, when it had one; its waiting push is cancelled too. */
  previousBrowserId?: string
  /** The login typed on the page; ignored when only one user is configured. */
  login: string | undefined
  clientIp: string
  userAgent: string
  target: string
}

export interface ApprovedIdentity {
  login: string
  email: string
  name: string
  groups: string[]
}

export interface PushServiceOptions {
  config: Config
  clock: Clock
  okta: PushOkta
  store: PendingStore
  limits: LoginLimits
  audit: AuditLog
  log: FastifyBaseLogger
  /**
   * Every push start responds no sooner than this, in milliseconds, whether a push was sent or
   * not. Default MIN_PUSH_START_MS; tests that do not measure timing pass 0.
   */
  minPushStartMs?: number
}

/** Default floor of a push start's response time; a real push usually takes longer than this. */
export const MIN_PUSH_START_MS = 500

export class PushService {
  readonly #options: PushServiceOptions
  readonly #latency = new LatencyEstimate()
  readonly #startsByUser = new PerKeyQueue()
  readonly #minStartMs: number
  #lastPushLifetimeMs = DEFAULT_PUSH_LIFETIME_MS

  constructor (options: PushServiceOptions) {
    this.#options = options
    this.#minStartMs = options.minPushStartMs ?? MIN_PUSH_START_MS
  }

  /** The login to use for `typed`: the only configured user, or the typed text. Throws when empty. */
  resolveLogin (typed: string | undefined): string {
    const { users } = this.#options.config
    if (users.length === 1 && users[0] !== undefined) return users[0].login

    const login = (typed ?? '').trim()
    if (login === '') throw createError('LOGIN_INPUT', ['Enter your login.'])
    if (login.length > 256) throw createError('LOGIN_INPUT', ['This login is too long.'])
    const configured = users.find((user) => user.login.toLowerCase() === login.toLowerCase())
    return configured?.login ?? login
  }

  /** Sends a push for `input`, replacing any older push of the same user or browser. */
  async start (input: StartInput): Promise<PendingLogin> {
    const { clock, limits, store } = this.#options
    const login = this.resolveLogin(input.login)
    const context: AuditContext = { user: login, clientIp: input.clientIp, userAgent: input.userAgent }

    const verdict = await limits.checkPushStart(input.clientIp, login.toLowerCase())
    if (!verdict.allowed) {
      this.#options.audit.record('push_refused', { ...context, reason: verdict.reason })
      const error = createError('LOGIN_RATE_LIMITED', [describeWait(verdict.retryAtMs - clock.now())])
      throw withRetryAfter(error, verdict.retryAtMs, clock.now())
    }

    // One start per user at a time, so concurrent starts cannot each miss the other's push.
    return await this.#startsByUser.run(login.toLowerCase(), async () => {
      const startedAt = performance.now()
      await this.#supersede(login, [input.browserId, input.previousBrowserId])
      const pending = await this.#sendPush(login, input, context)
      const elapsedMs = performance.now() - startedAt
      if (!pending.decoy) this.#latency.observe(elapsedMs)

      // Real pushes and decoys both respond after the same target time, so the response time does
      // not reveal which logins exist. Only an Okta slower than its recent average shows through.
      await sleep(Math.max(this.#minStartMs, this.#latency.targetMs()) - elapsedMs)
      store.put(pending)
      return pending
    })
  }

  /** Returns the pending login of `browserId`, polling Okta when it is due. */
  async status (browserId: string): Promise<PendingLogin | undefined> {
    const pending = this.#options.store.get(browserId)
    if (pending === undefined || pending.state !== 'waiting') return pending

    const now = this.#options.clock.now()
    if (pending.okta === undefined) {
      if (now >= pending.expiresAtMs) this.#finish(pending, 'timed_out')
      return pending
    }
    if (pending.okta.inFlight === undefined && now - pending.okta.lastPolledAtMs >= OKTA_POLL_INTERVAL_MS) {
      pending.okta.inFlight = this.#poll(pending).finally(() => {
        if (pending.okta !== undefined) delete pending.okta.inFlight
      })
    }
    await pending.okta.inFlight
    return pending
  }

  /**
   * Returns the identity of an approved login exactly once and deletes the login, so a second
   * request with the same flow cookie cannot mint another session.
   */
  async claim (browserId: string): Promise<ApprovedIdentity | undefined> {
    const { store, okta, log } = this.#options
    const pending = store.get(browserId)
    if (pending?.state !== 'approved' || pending.okta === undefined) return undefined
    store.delete(pending)

    let groups: string[] = []
    try {
      groups = await okta.listGroupNames(pending.okta.userId)
    } catch (error) {
      log.warn({ err: error, user: pending.login }, 'could not read the user\'s Okta groups; signing in without Remote-Groups')
    }
    return { login: pending.login, email: pending.okta.email, name: pending.okta.name, groups }
  }

  /** Cancels the waiting push of `browserId`, at Okta too. */
  async cancel (browserId: string): Promise<PendingLogin | undefined> {
    const pending = this.#options.store.get(browserId)
    if (pending?.state !== 'waiting') return pending
    await this.#cancelAtOkta(pending)
    pending.cancelledBy = 'person'
    this.#finish(pending, 'cancelled')
    return pending
  }

  /** True when `browserId` has a push waiting, so the login page can pick it up after a reload. */
  isWaiting (browserId: string): boolean {
    return this.#options.store.get(browserId)?.state === 'waiting'
  }

  async #sendPush (login: string, input: StartInput, context: AuditContext): Promise<PendingLogin> {
    const { config, okta, log, audit } = this.#options
    const configured = config.users.find((user) => user.login === login)
    if (configured === undefined) return await this.#decoy(login, input, 'unknown_login')

    try {
      const user = await okta.getUser(configured.oktaUserId ?? login)
      if (!canSignIn(user.status)) return await this.#decoy(login, input, `user_status_${user.status.toLowerCase()}`)

      const factorId = configured.factorId ?? (await okta.findActivePushFactor(user.id))?.id
      if (factorId === undefined) return await this.#decoy(login, input, 'no_active_push_factor')

      const challenge = await okta.verifyPush(user.id, factorId, {
        userAgent: input.userAgent,
        clientIp: input.clientIp,
        numberChallenge: config.okta.numberChallenge
      })
      const pending = this.#newPending(login, input, challenge.expiresAt)
      if (challenge.correctAnswer !== undefined) pending.correctAnswer = challenge.correctAnswer
      pending.okta = {
        userId: user.id,
        email: user.email ?? '',
        name: user.displayName,
        pollUrl: challenge.pollUrl,
        lastPolledAtMs: this.#options.clock.now()
      }
      if (challenge.cancelUrl !== undefined) pending.okta.cancelUrl = challenge.cancelUrl
      audit.record('push_sent', context)
      return pending
    } catch (error) {
      if (isOktaClientError(error)) {
        log.warn({ err: error, user: login }, 'Okta rejected the push request; the login page shows the generic message')
        return await this.#decoy(login, input, `okta_${errorCodeOf(error)}`)
      }
      audit.record('push_failed', { ...context, reason: errorCodeOf(error) })
      throw error
    }
  }

  /** A pending login that looks like a real push to the page but sends nothing. */
  async #decoy (login: string, input: StartInput, reason: string): Promise<PendingLogin> {
    const { config, log, audit } = this.#options
    log.info({ user: login, reason }, 'no push sent; the login page shows the same waiting state as for a real push')
    audit.record('push_refused', { user: login, clientIp: input.clientIp, userAgent: input.userAgent, reason })

    const pending = this.#newPending(login, input, undefined)
    pending.decoy = true
    if (config.okta.numberChallenge) pending.correctAnswer = randomInt(1, 100)
    return pending
  }

  #newPending (login: string, input: StartInput, expiresAtMs: number | undefined): PendingLogin {
    const now = this.#options.clock.now()
    if (expiresAtMs !== undefined && expiresAtMs > now) this.#lastPushLifetimeMs = expiresAtMs - now
    return {
      browserId: input.browserId,
      login,
      decoy: false,
      state: 'waiting',
      expiresAtMs: expiresAtMs ?? now + this.#lastPushLifetimeMs,
      createdAtMs: now,
      target: input.target,
      clientIp: input.clientIp,
      userAgent: input.userAgent
    }
  }

  async #poll (pending: PendingLogin): Promise<void> {
    const { okta, clock, log } = this.#options
    const link = pending.okta
    if (link === undefined) return
    link.lastPolledAtMs = clock.now()

    try {
      const result = await okta.pollPush(link.pollUrl)
      if (pending.state !== 'waiting') return
      if (result.pollUrl !== undefined) link.pollUrl = result.pollUrl
      if (result.correctAnswer !== undefined) pending.correctAnswer = result.correctAnswer
      if (result.expiresAt !== undefined) pending.expiresAtMs = result.expiresAt
      await this.#applyOutcome(pending, result.outcome, result.result)
    } catch (error) {
      const retryAtMs = (error as { retryAt?: unknown }).retryAt
      if (typeof retryAtMs === 'number') link.lastPolledAtMs = retryAtMs - OKTA_POLL_INTERVAL_MS
      log.warn({ err: error, user: pending.login }, 'polling the push failed; retrying on the next status request')
      if (clock.now() > pending.expiresAtMs + EXPIRY_GRACE_MS) {
        pending.failure = 'okta_unavailable'
        this.#finish(pending, 'failed')
      }
    }
  }

  async #applyOutcome (pending: PendingLogin, outcome: PushOutcome, result: string): Promise<void> {
    if (outcome === 'waiting') return
    if (outcome === 'denied') {
      await this.#options.limits.recordDenial(pending.login.toLowerCase(), this.#options.clock.now())
    }
    if (outcome === 'failed') {
      // Okta documents only WAITING, SUCCESS, REJECTED and TIMEOUT for a push; anything else
      // (ERROR, FAILED, PASSCODE_REPLAYED, …) is a failure, never a success.
      this.#options.log.warn({ user: pending.login, result }, 'unexpected factorResult from Okta; treating it as a failure')
      pending.failure = 'unexpected_result'
    }
    this.#finish(pending, outcome)
  }

  #finish (pending: PendingLogin, state: Exclude<PendingLogin['state'], 'waiting'>): void {
    pending.state = state
    const events = {
      approved: 'push_approved',
      denied: 'push_denied',
      timed_out: 'push_timed_out',
      cancelled: 'push_cancelled',
      failed: 'push_failed'
    } as const
    const context: AuditContext = { user: pending.login, clientIp: pending.clientIp, userAgent: pending.userAgent }
    if (pending.failure !== undefined) context.reason = pending.failure
    if (pending.decoy) context.reason = 'no_push_sent'
    this.#options.audit.record(events[state], context)
  }

  /** At most one outstanding push per user and per browser: a new one cancels the older. */
  async #supersede (login: string, browserIds: Array<string | undefined>): Promise<void> {
    const { store } = this.#options
    const ofBrowser = browserIds.map((browserId) => browserId === undefined ? undefined : store.get(browserId))
    const older = [store.outstandingFor(login), ...ofBrowser]
    for (const pending of new Set(older)) {
      if (pending?.state !== 'waiting') continue
      await this.#cancelAtOkta(pending)
      pending.cancelledBy = 'newer_push'
      this.#finish(pending, 'cancelled')
    }
  }

  async #cancelAtOkta (pending: PendingLogin): Promise<void> {
    const cancelUrl = pending.okta?.cancelUrl
    if (cancelUrl === undefined) return
    try {
      await this.#options.okta.cancelPush(cancelUrl)
    } catch (error) {
      this.#options.log.warn({ err: error, user: pending.login }, 'could not cancel the push at Okta; it will expire on its own')
    }
  }
}

/** True for Okta's 4xx responses other than rate limits: Okta rejected the request but is itself working. */
function isOktaClientError (error: unknown): boolean {
  if (!(error instanceof PushgateError) || error.code !== 'PG_ERR_OKTA_API') return false
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429
}

function errorCodeOf (error: unknown): string {
  const oktaCode = (error as { errorCode?: unknown }).errorCode
  if (typeof oktaCode === 'string') return oktaCode
  return error instanceof PushgateError ? error.code : 'unknown_error'
}

function describeWait (ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  if (seconds < 90) return `${seconds} seconds`
  return `${Math.ceil(seconds / 60)} minutes`
}

async function sleep (ms: number): Promise<void> {
  if (ms <= 0) return
  await new Promise((resolve) => setTimeout(resolve, ms))
}
