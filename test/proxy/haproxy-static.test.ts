/**
 * examples/haproxy/haproxy.cfg, checked without HAProxy: neither HAProxy with Lua nor the
 * haproxy-auth-request script is installed here. The test reads the config's rules and checks
 * that they are complete and in the right order. Then it sends a real pushgate the request the
 * Lua script would send (a HEAD with the client's headers and the config's X-Forwarded-* values),
 * and applies the config's three outcome rules to the responses. What the script
 * does is taken from its source, auth-request.lua: 2xx sets txn.auth_response_successful, a
 * 301/302/303/307/308 sets txn.auth_response_location, and txn.auth_response_code holds the status.
 */
import t from 'tap'
import { request } from 'undici'
import { systemClock } from '../../src/clock.ts'
import { SessionSealer } from '../../src/session/sealer.ts'
import { ALICE, startGateway } from '../helpers/gateway.ts'
import { FETCH_HEADERS, NAVIGATION_HEADERS } from '../helpers/proxy-client.ts'
import { readExample } from '../helpers/proxies.ts'

const config = readExample('haproxy/haproxy.cfg')
const lines = config.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
const indexOf = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line))

const AUTH_LINE = /^http-request lua\.auth-intercept (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) if protected$/

t.test('config asks the ForwardAuth endpoint', async (t) => {
  t.ok(indexOf(/^lua-load \S+auth-request\.lua$/) !== -1, 'auth-request.lua is loaded')
  t.ok(indexOf(/^lua-prepend-path \S+\/\?\/http\.lua$/) !== -1, 'haproxy-lua-http is on the Lua path')

  const match = AUTH_LINE.exec(lines[indexOf(AUTH_LINE)] ?? '')
  t.ok(match, 'one lua.auth-intercept rule for the protected hosts')
  const [, backend, path, method, requestHeaders, successHeaders, failureHeaders] = match ?? []
  t.equal(path, '/authz/forward-auth')
  t.equal(method, 'HEAD')
  t.equal(requestHeaders, '*', 'every client header, the session cookie among them, goes to pushgate')
  t.same(successHeaders?.split(','), ['remote-user', 'remote-email', 'remote-name', 'remote-groups'])
  t.equal(failureHeaders, '-')

  const backendStart = indexOf(new RegExp(`^backend ${backend ?? 'missing'}$`))
  t.ok(backendStart !== -1, `backend ${backend} exists`)
  t.match(lines[backendStart + 1] ?? '', /^server \S+ 127\.0\.0\.1:9091( |$)/, 'the auth backend is pushgate on plain HTTP')
  t.ok(indexOf(/^use_backend be_pushgate if host_pushgate$/) !== -1, 'the login page is routed to the same pushgate')
})

t.test('config cleans request before check', async (t) => {
  const authLine = indexOf(AUTH_LINE)
  for (const header of ['Remote-User', 'Remote-Email', 'Remote-Name', 'Remote-Groups']) {
    const line = indexOf(new RegExp(`^http-request del-header ${header}$`, 'i'))
    t.ok(line !== -1 && line < authLine, `${header} from the client is deleted before the check`)
    // CGI, WSGI and PHP read Remote_User as Remote-User; HAProxy matches names in any case.
    const underscore = header.replace('-', '_')
    const underscoreLine = indexOf(new RegExp(`^http-request del-header ${underscore}$`, 'i'))
    t.ok(underscoreLine !== -1 && underscoreLine < authLine, `${underscore} from the client is deleted before the check`)
  }
  for (const header of ['X-Forwarded-Method', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'X-Forwarded-Uri', 'X-Forwarded-For']) {
    const line = indexOf(new RegExp(`^http-request set-header ${header} `))
    t.ok(line !== -1 && line < authLine, `${header} is set (replacing the client's) before the check`)
  }
  const redirect = indexOf(/^http-request redirect scheme https /)
  t.ok(redirect !== -1 && redirect < authLine, 'plain HTTP is redirected before the check')
})

t.test('refusals become 403, redirect, 401', async (t) => {
  const authLine = indexOf(AUTH_LINE)
  const forbidden = indexOf(/^http-request deny deny_status 403 if protected !\{ var\(txn\.auth_response_successful\) -m bool \} \{ var\(txn\.auth_response_code\) -m int 403 \}$/)
  const redirect = indexOf(/^http-request redirect location %\[var\(txn\.auth_response_location\)\] if protected !\{ var\(txn\.auth_response_successful\) -m bool \} \{ var\(txn\.auth_response_location\) -m found \}$/)
  const unauthorized = indexOf(/^http-request deny deny_status 401 if protected !\{ var\(txn\.auth_response_successful\) -m bool \}$/)
  t.ok(authLine < forbidden, '403 rule after the check')
  t.ok(forbidden < redirect, 'redirect only after 403 is handled')
  t.ok(redirect < unauthorized, 'plain 401 only when there is no Location')
  t.ok(unauthorized < indexOf(/^use_backend /), 'every refusal comes before routing')
})

/** Evaluates the config's set-header values for one request, for the sample fetches it uses. */
function forwardedHeaders (client: { method: string, host: string, pathq: string, src: string }): Record<string, string> {
  const samples: Record<string, string> = { method: client.method, 'req.hdr(host)': client.host, pathq: client.pathq, src: client.src }
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const match = /^http-request set-header (X-Forwarded-\S+) (.+)$/.exec(line)
    if (match === null) continue
    headers[match[1]!.toLowerCase()] = match[2]!.replace(/%\[([^\]]+)\]/g, (_all, fetch: string) => {
      const value = samples[fetch]
      if (value === undefined) throw new Error(`the test does not know the sample fetch ${fetch}`)
      return value
    })
  }
  return headers
}

type Outcome = { kind: 'allow', identity: Record<string, string> } | { kind: 'deny', status: number } | { kind: 'redirect', location: string }

/** Sends the Lua script's HEAD to pushgate and applies the three rules to the response. */
async function check (pushgateUrl: string, clientHeaders: Record<string, string>, pathq: string, method = 'GET'): Promise<Outcome> {
  const headers = { ...clientHeaders, ...forwardedHeaders({ method, host: 'app.example.test', pathq, src: '198.51.100.4' }) }
  const response = await request(new URL('/authz/forward-auth', pushgateUrl), { method: 'HEAD', headers })
  await response.body.dump()
  const status = response.statusCode
  if (status >= 200 && status < 300) {
    const identity: Record<string, string> = {}
    for (const name of ['remote-user', 'remote-email', 'remote-name', 'remote-groups']) identity[name] = String(response.headers[name] ?? '')
    return { kind: 'allow', identity }
  }
  if (status === 403) return { kind: 'deny', status: 403 }
  const location = [301, 302, 303, 307, 308].includes(status) ? response.headers.location : undefined
  if (typeof location === 'string') return { kind: 'redirect', location }
  return { kind: 'deny', status: 401 }
}

t.test('rules against real pushgate', async (t) => {
  const gateway = await startGateway(t, {
    publicUrl: () => 'https://auth.example.test',
    config: { session: { cookieDomain: 'example.test' } }
  })

  const navigation = await check(gateway.url, NAVIGATION_HEADERS, '/reports?x=1')
  t.equal(navigation.kind, 'redirect', 'a browser navigation is redirected')
  if (navigation.kind === 'redirect') {
    t.equal(new URL(navigation.location).searchParams.get('rd'), 'https://app.example.test/reports?x=1')
  }

  t.same(await check(gateway.url, FETCH_HEADERS, '/api'), { kind: 'deny', status: 401 }, 'fetch() gets a plain 401')

  const sealer = new SessionSealer({ secrets: gateway.config.session.secrets, lifetimeMs: 60_000, clock: systemClock })
  const { session } = sealer.createSession({ login: ALICE.login, email: ALICE.login, name: 'Alice Example', groups: ['Engineering'] })
  const cookie = `${gateway.config.session.cookieName}=${await sealer.seal(session)}`
  const allowed = await check(gateway.url, { ...NAVIGATION_HEADERS, cookie }, '/')
  t.same(allowed, { kind: 'allow', identity: { 'remote-user': ALICE.login, 'remote-email': ALICE.login, 'remote-name': 'Alice Example', 'remote-groups': 'Engineering' } })
})
