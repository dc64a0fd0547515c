/**
 * JSON bodies of users and groups, with the fields Okta's management API returns.
 */
import { createHash } from 'node:crypto'
import { userTypeId } from './ids.ts'
import { isoTime, link, userUrl } from './links.ts'
import type { SimGroup, SimUser } from './model.ts'

export function userView (orgUrl: string, user: SimUser): Record<string, unknown> {
  return {
    id: user.id,
    status: user.status,
    created: isoTime(user.created),
    activated: user.activated === null ? null : isoTime(user.activated),
    statusChanged: isoTime(user.statusChanged),
    lastLogin: null,
    lastUpdated: isoTime(user.lastUpdated),
    passwordChanged: isoTime(user.passwordChanged),
    type: { id: userTypeId() },
    profile: {
      firstName: user.firstName,
      lastName: user.lastName,
      mobilePhone: null,
      secondEmail: null,
      login: user.login,
      email: user.email
    },
    credentials: {
      password: {},
      provider: { type: 'OKTA', name: 'OKTA' }
    },
    _links: {
      self: link(userUrl(orgUrl, user.id))
    }
  }
}

/** Returns a weak ETag that changes whenever the user's status, groups or update time change. */
export function userEtag (user: SimUser): string {
  const digest = createHash('sha256').update(JSON.stringify([user.id, user.status, user.groupIds, user.lastUpdated])).digest('base64url')
  return `W/"${digest.slice(0, 16)}"`
}

export function groupView (orgUrl: string, group: SimGroup): Record<string, unknown> {
  const groupUrl = `${orgUrl}/api/v1/groups/${group.id}`
  return {
    id: group.id,
    created: isoTime(group.created),
    lastUpdated: isoTime(group.created),
    lastMembershipUpdated: isoTime(group.created),
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: {
      name: group.name,
      description: group.description
    },
    _links: {
      users: link(`${groupUrl}/users`),
      apps: link(`${groupUrl}/apps`)
    }
  }
}
