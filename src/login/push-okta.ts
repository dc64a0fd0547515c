/**
 * What the push login needs from Okta. OktaClient implements it; naming the subset here keeps the
 * login flow independent of the enrolment and admin calls the CLI uses.
 */
import type { OktaClient } from '../okta/client.ts'

export type PushOkta = Pick<OktaClient, 'getUser' | 'findActivePushFactor' | 'listGroupNames' | 'verifyPush' | 'pollPush' | 'cancelPush'>
