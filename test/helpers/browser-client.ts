/**
 * An HTTP client that behaves like one browser toward pushgate: it keeps cookies, sends the
 * Origin and CSRF token the login page's script sends, and follows a push to the end. All
 * servers in the tests run on 127.0.0.1, so one cookie jar without domain matching is enough.
 */
import { request, type Dispatcher } from 'undici'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  json: () => any
}

export const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36'

export class BrowserClient {
  readonly base: string
  /** The Origin the browser sends: publicUrl's origin, which differs from `base` when publicUrl is https. */
  readonly origin: string
  readonly cookies = new Map<string, string>()
  /** Every Set-Cookie line received, for checks of cookie attributes. */
  readonly setCookieLines: string[] = []
  csrfToken: string | undefined

  constructor (base: string, origin: string = new URL(base).origin) {
    this.base = base
    this.origin = origin
  }

  /** Sends a request with this browser's cookies and stores the cookies it sets. */
  async fetch (path: string, options: { method?: string, headers?: Record<string, string>, body?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { 'user-agent': BROWSER_USER_AGENT, ...options.headers }
    const cookie = this.cookieHeader()
    if (cookie !== '' && headers.cookie === undefined) headers.cookie = cookie
    const response = await request(new URL(path, this.base), {
      method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
      headers,
      body: options.body ?? null
    })
    const body = await response.body.text()
    this.#store(response.headers['set-cookie'])
    return { status: response.statusCode, headers: response.headers, body, json: () => JSON.parse(body) }
  }

  cookieHeader (): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** Opens the login page and keeps its CSRF token. */
  async openLogin (rd?: string): Promise<Answer> {
    const query = rd === undefined ? '' : `?rd=${encodeURIComponent(rd)}`
    const page = await this.fetch(`/login${query}`, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } })
    this.csrfToken = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1]
    return page
  }

  /** Clicks "Send push", as the page's script does. */
  async sendPush (body: { login?: string, rd?: string } = {}): Promise<Answer> {
    return await this.#postJson('/login/push', body)
  }

  async cancel (): Promise<Answer> {
    return await this.#postJson('/login/cancel', undefined)
  }

  async status (): Promise<Answer> {
    return await this.fetch('/login/status', { headers: { accept: 'application/json' } })
  }

  /** Polls /login/status until the state is not `waiting`; pushgate polls Okta every few seconds. */
  async waitForOutcome (timeoutMs = 15_000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const answer = await this.status()
      if (answer.status !== 200 || answer.json().state !== 'waiting' || Date.now() > deadline) return answer
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }

  async #postJson (path: string, body: unknown): Promise<Answer> {
    const headers: Record<string, string> = { origin: this.origin, accept: 'application/json' }
    if (this.csrfToken !== undefined) headers['x-csrf-token'] = this.csrfToken
    if (body !== undefined) headers['content-type'] = 'application/json'
    const options: { method: string, headers: Record<string, string>, body?: string } = { method: 'POST', headers }
    if (body !== undefined) options.body = JSON.stringify(body)
    return await this.fetch(path, options)
  }

  #store (setCookie: string | string[] | undefined): void {
    const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]
    for (const line of lines) {
      this.setCookieLines.push(line)
      const [pair = '', ...attributes] = line.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index).trim()
      const value = pair.slice(index + 1).trim()
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }
}
