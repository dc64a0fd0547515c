/**
 * Routes of the phone page at /phone. Buttons are plain form POSTs that redirect back to the page with 303.
 */
import formbody from '@fastify/formbody'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { SimulatorContext } from './context.ts'
import { answerPushById, findPushes, pendingEnrollments, scanActivation, summarizePush } from './control-actions.ts'
import { activationResult, findFactorByActivationToken } from './factors.ts'
import { InputError, parseAnswer } from './input.ts'
import { PHONE_NOTICES, renderPhonePage } from './phone-page.ts'
import { REFRESH_SCRIPT, STYLESHEET } from './phone-assets.ts'
import type { PushAction } from './pushes.ts'
import { activationLink, renderQrPng } from './qr.ts'

/** Only the simulator's own stylesheet, script, QR images and forms; nothing inline. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

export async function registerPhoneRoutes (phone: FastifyInstance, context: SimulatorContext): Promise<void> {
  await phone.register(formbody)
  phone.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('cache-control', 'no-store')
  })

  phone.get('/', async (request, reply) => {
    const result = (request.query as { result?: string }).result
    const notice = result === undefined ? undefined : PHONE_NOTICES[result]
    const page = renderPhonePage({
      pushes: findPushes(context, { state: 'WAITING' }).map((push) => summarizePush(context, push)),
      enrollments: pendingEnrollments(context, context.orgUrl(request)),
      now: context.clock.now(),
      ...(notice === undefined ? {} : { notice })
    })
    return reply.type('text/html; charset=utf-8').send(page)
  })
  phone.get('/phone.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(STYLESHEET))
  phone.get('/refresh.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(REFRESH_SCRIPT))

  phone.get('/qr/:token', async (request, reply) => {
    const token = (request.params as { token: string }).token
    const factor = findFactorByActivationToken(context.state, token)
    if (factor === undefined || activationResult(factor, context.clock.now()) !== 'WAITING') {
      return reply.code(404).type('text/plain; charset=utf-8').send('This QR code expired or was already used.\n')
    }
    const png = await renderQrPng(activationLink(context.orgUrl(request), factor, token))
    return reply.type('image/png').send(png)
  })

  phone.post('/pushes/:transactionId/:action', async (request, reply) => {
    const { transactionId, action } = request.params as { transactionId: string, action: string }
    if (action !== 'approve' && action !== 'deny') return reply.code(404).send('Unknown action\n')

    const answer = action === 'approve' ? parseAnswer(request.body ?? {}) : undefined
    return answerAndReturn(reply, () => {
      const push = answerPushById(context, transactionId, action as PushAction, answer)
      if (push.state === 'SUCCESS') return 'approved'
      return answer !== undefined && action === 'approve' ? 'wrong-number' : 'rejected'
    })
  })

  phone.post('/enrollments/:token/scan', async (request, reply) => {
    const token = (request.params as { token: string }).token
    return answerAndReturn(reply, () => {
      scanActivation(context, token)
      return 'activated'
    })
  })
}

/** Runs the phone action and redirects back to the page with its result; a stale button shows "gone". */
function answerAndReturn (reply: FastifyReply, action: () => string): FastifyReply {
  let result: string
  try {
    result = action()
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    result = 'gone'
  }
  return reply.code(303).header('location', `/phone?result=${result}`).send()
}
