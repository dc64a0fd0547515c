/**
 * The shapes the Okta client returns, parsed from Okta's JSON. Only the fields pushgate uses are
 * kept. Times are milliseconds since the epoch and links are absolute URLs on the org's origin.
 */

/** An Okta user, from `GET /api/v1/users/{idOrLogin}`. */
export interface OktaUser {
  id: string
  /** STAGED, PROVISIONED, ACTIVE, RECOVERY, LOCKED_OUT, PASSWORD_EXPIRED, SUSPENDED or DEPROVISIONED. */
  status: string
  login: string
  email?: string
  firstName?: string
  lastName?: string
  /** `profile.displayName`, else first and last name, else the login. */
  displayName: string
}

/** The phone behind an Okta Verify push factor (the factor's `profile`). */
export interface PushDevice {
  /** The user's login, as Okta Verify registered it. */
  credentialId?: string
  /** Such as `SmartPhone_IPhone`. */
  deviceType?: string
  /** The device name the person chose. */
  name?: string
  /** Such as `IOS` or `ANDROID`. */
  platform?: string
  /** The Okta Verify version. */
  version?: string
}

/** An enrolled factor of any type. */
export interface OktaFactor {
  id: string
  /** Such as `push`, `token:software:totp` or `sms`. */
  factorType: string
  /** Such as `OKTA` or `GOOGLE`. */
  provider: string
  /** ACTIVE, PENDING_ACTIVATION, INACTIVE, … */
  status: string
  vendorName?: string
  /** Created, in milliseconds since the epoch. */
  createdAt?: number
  device?: PushDevice
}

/**
 * The meaning of a push for the login flow. Only `approved` lets the person in; `waiting` means poll
 * again; everything else ends the push. `failed` covers every result Okta documents for other
 * factors (ERROR, FAILED, PASSCODE_REPLAYED, …) and any result not known today.
 */
export type PushOutcome = 'waiting' | 'approved' | 'denied' | 'timed_out' | 'cancelled' | 'failed'

/** The state of a push challenge, from the verify call or a poll. */
export interface PushStatus {
  /** Okta's `factorResult` as sent, such as `WAITING` or `REJECTED`. */
  result: string
  outcome: PushOutcome
  /** The link to poll next; after verify it is always present. */
  pollUrl?: string
  cancelUrl?: string
  /** When the push expires, in milliseconds since the epoch. */
  expiresAt?: number
  /** The number the person must tap in Okta Verify (number matching challenge). */
  correctAnswer?: number
}

/** A push that Okta accepted (verify returned 201), with a link to poll. */
export interface PushChallenge extends PushStatus {
  pollUrl: string
}

/** The browser context Okta shows in the push. */
export interface VerifyPushOptions {
  /** The browser's User-Agent, sent unchanged (characters not allowed in a header are dropped). */
  userAgent: string
  /**
   * The browser's public IP, sent as X-Forwarded-For; Okta uses it only from trusted proxy IPs.
   * Omit it when no browser is involved (the CLI's test push), and the header is left out.
   */
  clientIp?: string
  /** Ask Okta Verify to show a number the person must tap. */
  numberChallenge: boolean
}

/** Activation links of a pending push factor: scan the QR code or have a link sent. */
export interface ActivationWaiting {
  state: 'waiting'
  /** When this activation expires, in milliseconds since the epoch. */
  expiresAt?: number
  /** The link to poll next; absent when Okta sent none, then keep the previous one. */
  pollUrl?: string
  /** The QR code image (PNG). Fetching it needs the API token: use fetchQrCode. */
  qrcodeUrl?: string
  /** Links that send the activation to the person by email or SMS instead of a scan. */
  sendLinks: ActivationSendLinks
}

export interface ActivationSendLinks {
  email?: string
  sms?: string
}

/** Activation expired; POST the activate link (restartActivation) for a new QR code. */
export interface ActivationTimedOut {
  state: 'timed_out'
  activateUrl?: string
}

/** The person scanned the code: the factor is ACTIVE. */
export interface ActivationActive {
  state: 'active'
  factor: OktaFactor
}

/** Activation ended with CANCELLED, ERROR or a result not known today. */
export interface ActivationFailed {
  state: 'failed'
  /** Okta's `factorResult` or factor status as sent. */
  result: string
}

export type ActivationState = ActivationWaiting | ActivationTimedOut | ActivationActive | ActivationFailed

/** A newly enrolled push factor waiting for activation. */
export interface PushEnrollment {
  factorId: string
  /** PENDING_ACTIVATION for a new push factor. */
  status: string
  activation: ActivationWaiting & { pollUrl: string }
}
