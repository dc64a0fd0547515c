/**
 * The control API under /_sim/ that tests and the demo use to drive the simulator: reset, users,
 * approving or denying pushes, scanning QR codes, faults and statistics. It takes and returns JSON
 * and needs no API token.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SimulatorContext } from './context.ts'
import { answerPushById, findPushes, pendingEnrollments, scanActivation, summarizePush } from './control-actions.ts'
import { parseFault } from './faults.ts'
import { InputError, parseAnswer, parseScan, parseUserInput, parseUserPatch } from './input.ts'
import { parseJsonBodies } from './json-body.ts'
import { isoTime } from './links.ts'
import { PUSH_STATES, type PushState } from './model.ts'
import { latestWaitingPush, type PushAction } from './pushes.ts'
import { addUser } from './state.ts'
import { findUserByLogin, groupsOf, setUserGroups, setUserStatus } from './users.ts'

const PUSH_ACTIONS: readonly PushAction[] = ['approve', 'deny', 'timeout']

export function registerControlRoutes (control: FastifyInstance, context: SimulatorContext): void {
  // Control requests are parsed as JSON whatever their Content-Type, so `curl -d '{…}'` works.
  parseJsonBodies(control, { malformed: () => new InputError('The body is not valid JSON') })
  control.setErrorHandler(sendControlError)
  control.setNotFoundHandler(async (request, reply) => {
    return reply.code(404).send({ error: `No control route ${request.method} ${request.url.split('?')[0]}; see docs/simulator.md` })
  })

  control.post('/reset', async (_request, reply) => {
    context.reset()
    return reply.code(204).send()
  })
  registerUserControl(control, context)
  registerPushControl(control, context)
  registerEnrollmentControl(control, context)
  registerFaultControl(control, context)
  control.get('/stats', async () => context.state.stats)
}

function sendControlError (error: FastifyError | InputError, request: FastifyRequest, reply: FastifyReply): void {
  const statusCode = error.statusCode ?? 500
  if (statusCode >= 500) {
    request.log.error({ err: error }, 'simulator control route failed')
    reply.code(500).send({ error: 'The simulator failed to handle this request; see its log' })
    return
  }
  reply.code(statusCode).send({ error: error.message })
}

function requireLogin (context: SimulatorContext, login: string) {
  const user = findUserByLogin(context.state, login)
  if (user === undefined) throw new InputError(`No user has login ${JSON.stringify(login)}`, 404)
  return user
}

function registerUserControl (control: FastifyInstance, context: SimulatorContext): void {
  control.post('/users', async (request, reply) => {
    const input = parseUserInput(request.body)
    const { user, factor } = addUser(context.state, input, context.clock.now(), context.settings.activationLifetimeMs)
    const created = factor === undefined ? { id: user.id, login: user.login } : { id: user.id, login: user.login, factorId: factor.id }
    return reply.code(201).send(created)
  })

  control.patch('/users/:login', async (request) => {
    const user = requireLogin(context, (request.params as { login: string }).login)
    const patch = parseUserPatch(request.body)
    const now = context.clock.now()
    if (patch.status !== undefined) setUserStatus(user, patch.status, now)
    if (patch.groups !== undefined) setUserGroups(context.state, user, patch.groups, now)
    const groups = groupsOf(context.state, user).map((group) => group.name)
    return { id: user.id, login: user.login, status: user.status, groups }
  })
}

function parseAction (text: string): PushAction {
  if (!PUSH_ACTIONS.includes(text as PushAction)) throw new InputError(`Unknown action ${JSON.stringify(text)}; use approve, deny or timeout`, 404)
  return text as PushAction
}

function parseState (text: string | undefined): PushState | undefined {
  if (text === undefined) return undefined
  const state = text.toUpperCase() as PushState
  if (!PUSH_STATES.includes(state)) throw new InputError(`state is ${JSON.stringify(text)}; it must be one of ${PUSH_STATES.join(', ')}`)
  return state
}

function registerPushControl (control: FastifyInstance, context: SimulatorContext): void {
  control.get('/pushes', async (request) => {
    const query = request.query as { login?: string, state?: string }
    const state = parseState(query.state)
    const filter = { ...(query.login === undefined ? {} : { login: query.login }), ...(state === undefined ? {} : { state }) }
    return findPushes(context, filter).map((push) => summarizePush(context, push))
  })

  control.post('/pushes/:transactionId/:action', async (request) => {
    const params = request.params as { transactionId: string, action: string }
    return answerPushById(context, params.transactionId, parseAction(params.action), parseAnswer(request.body))
  })

  control.post('/users/:login/latest-push/:action', async (request) => {
    const params = request.params as { login: string, action: string }
    const action = parseAction(params.action)
    const user = requireLogin(context, params.login)
    const push = latestWaitingPush(context.state, user.id, context.clock.now())
    if (push === undefined) throw new InputError(`${user.login} has no WAITING push`, 404)
    return answerPushById(context, push.id, action, parseAnswer(request.body))
  })
}

function registerEnrollmentControl (control: FastifyInstance, context: SimulatorContext): void {
  control.post('/scan', async (request) => {
    const scan = parseScan(request.body)
    return scanActivation(context, scan.content, scan.deviceName)
  })
  control.get('/enrollments', async (request) => pendingEnrollments(context, context.orgUrl(request)))
  control.get('/emails', async () => outbox(context, 'email'))
  control.get('/sms', async () => outbox(context, 'sms'))
}

function outbox (context: SimulatorContext, channel: 'email' | 'sms') {
  return context.state.outbox
    .filter((message) => message.channel === channel)
    .map((message) => ({ ...message, sentAt: isoTime(message.sentAt) }))
}

function registerFaultControl (control: FastifyInstance, context: SimulatorContext): void {
  control.post('/faults', async (request, reply) => {
    context.faults.add(parseFault(request.body))
    return reply.code(201).send({ faults: context.faults.list() })
  })
  control.get('/faults', async () => ({ faults: context.faults.list() }))
  control.delete('/faults', async (_request, reply) => {
    context.faults.clear()
    return reply.code(204).send()
  })
}
