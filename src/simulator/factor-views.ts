/**
 * JSON bodies of push factors, their activation and push transactions, shaped like Okta's examples.
 * Real Okta adds fields beyond the documented ones (device keys in `profile`, for one), and so does
 * the simulator, so that clients learn to parse leniently.
 */
import { activateUrl, factorUrl, isoTime, link, qrCodeUrl, transactionUrl, userUrl, type Link } from './links.ts'
import type { PushTransaction, SimFactor, SimUser } from './model.ts'

type Json = Record<string, unknown>

function factorBase (factor: SimFactor): Json {
  return {
    id: factor.id,
    factorType: 'push',
    provider: 'OKTA',
    vendorName: 'OKTA',
    status: factor.status,
    created: isoTime(factor.created),
    lastUpdated: isoTime(factor.lastUpdated)
  }
}

function deviceProfile (user: SimUser, factor: SimFactor): Json {
  const device = factor.device
  if (device === undefined) return { credentialId: user.login }
  return {
    credentialId: user.login,
    deviceType: device.deviceType,
    keys: device.keys,
    name: device.name,
    platform: device.platform,
    version: device.version
  }
}

/** Renders a factor as `GET …/factors/{factorId}` returns it. */
export function factorView (orgUrl: string, user: SimUser, factor: SimFactor): Json {
  const self = link(factorUrl(orgUrl, factor), 'GET', 'DELETE')
  const userLink = link(userUrl(orgUrl, user.id), 'GET')
  if (factor.status === 'ACTIVE') {
    return {
      ...factorBase(factor),
      profile: deviceProfile(user, factor),
      _links: { verify: link(`${factorUrl(orgUrl, factor)}/verify`, 'POST'), self, user: userLink }
    }
  }
  return {
    ...factorBase(factor),
    _links: { activate: link(activateUrl(orgUrl, factor), 'POST'), self, user: userLink }
  }
}

function activationLinks (orgUrl: string, factor: SimFactor): { qrcode: Link, send: Link[] } {
  const token = factor.activation?.token ?? ''
  return {
    qrcode: { href: qrCodeUrl(orgUrl, factor, token), type: 'image/png' },
    send: ['email', 'sms'].map((name) => ({ name, ...link(`${activateUrl(orgUrl, factor)}/${name}`, 'POST') }))
  }
}

/** Renders the enrollment response: the pending factor with its activation embedded. */
export function enrollmentView (orgUrl: string, user: SimUser, factor: SimFactor): Json {
  return {
    ...factorBase(factor),
    _links: {
      poll: link(`${activateUrl(orgUrl, factor)}/poll`, 'POST'),
      self: link(factorUrl(orgUrl, factor), 'GET'),
      user: link(userUrl(orgUrl, user.id), 'GET')
    },
    _embedded: {
      activation: {
        expiresAt: isoTime(factor.activation?.expiresAt ?? factor.created),
        factorResult: 'WAITING',
        _links: activationLinks(orgUrl, factor)
      }
    }
  }
}

/** Renders an activation that waits for the scan, as the activate and poll operations return it. */
export function activationWaitingView (orgUrl: string, factor: SimFactor): Json {
  return {
    expiresAt: isoTime(factor.activation?.expiresAt ?? factor.created),
    factorResult: 'WAITING',
    _links: {
      poll: link(`${activateUrl(orgUrl, factor)}/poll`, 'POST'),
      ...activationLinks(orgUrl, factor)
    }
  }
}

/** Renders an activation past `expiresAt`. POSTing to its activate link starts a new one. */
export function activationTimeoutView (orgUrl: string, factor: SimFactor): Json {
  return {
    factorResult: 'TIMEOUT',
    _links: { activate: link(activateUrl(orgUrl, factor), 'POST') }
  }
}

/** Renders a push transaction as verify (201) and polling return it, shaped by its state. */
export function pushView (orgUrl: string, user: SimUser, factor: SimFactor, push: PushTransaction): Json {
  if (push.state === 'SUCCESS') return { factorResult: 'SUCCESS' }

  const profile = deviceProfile(user, factor)
  if (push.state !== 'WAITING') {
    return {
      factorResult: push.state,
      profile,
      _links: {
        verify: link(`${factorUrl(orgUrl, factor)}/verify`, 'POST'),
        factor: link(factorUrl(orgUrl, factor), 'GET', 'DELETE')
      }
    }
  }

  const href = transactionUrl(orgUrl, push)
  const body: Json = {
    expiresAt: isoTime(push.expiresAt),
    factorResult: 'WAITING',
    profile,
    _links: { poll: link(href, 'GET'), cancel: link(href, 'DELETE') }
  }
  if (push.challenge !== undefined) body._embedded = { challenge: { correctAnswer: push.challenge.correctAnswer } }
  return body
}
