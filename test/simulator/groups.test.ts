import t from 'tap'
import { startHarness } from './helpers.ts'

const MEMBER = { login: 'gina@example.com', groups: ['Engineering', 'Admins', 'Support', 'Finance', 'VPN Users'] }

function nextLink (header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined

  const values = Array.isArray(header) ? header : [header]
  const next = values.flatMap((value) => value.split(/,\s*(?=<)/)).find((value) => /rel="next"/.test(value))
  return next?.match(/^<([^>]+)>/)?.[1]
}

t.test('groups page through the Link header', async (t) => {
  const { api, sim } = await startHarness(t, { users: [MEMBER] })
  const seen: string[] = []
  let href: string | undefined = '/api/v1/users/gina@example.com/groups?limit=2'
  let pages = 0
  while (href !== undefined && pages < 10) {
    const page = await api('GET', href)
    t.equal(page.status, 200)
    t.ok(page.body.length <= 2, 'no page is larger than limit')
    seen.push(...page.body.map((group: { profile: { name: string } }) => group.profile.name))
    href = nextLink(page.headers.link)
    if (href !== undefined) t.ok(href.startsWith(`${sim.url}/api/v1/users/`), 'next link is absolute')
    pages++
  }
  t.equal(pages, 3)
  t.same([...seen].sort(), ['Admins', 'Engineering', 'Everyone', 'Finance', 'Support', 'VPN Users'])
})

t.test('groups include the built-in Everyone group', async (t) => {
  const { api } = await startHarness(t, { users: [MEMBER] })
  const groups = await api('GET', '/api/v1/users/gina/groups')
  const everyone = groups.body.find((group: { profile: { name: string } }) => group.profile.name === 'Everyone')
  t.equal(everyone.type, 'BUILT_IN')
  t.match(everyone.id, /^00g[A-Za-z0-9]{17}$/)
  const engineering = groups.body.find((group: { profile: { name: string } }) => group.profile.name === 'Engineering')
  t.equal(engineering.type, 'OKTA_GROUP')
  t.equal(typeof engineering.profile.description, 'string')
  t.equal(nextLink(groups.headers.link), undefined, 'one page holds all groups')
})

t.test('groups limit above 200 is capped', async (t) => {
  const { api } = await startHarness(t, { users: [MEMBER] })
  const groups = await api('GET', '/api/v1/users/gina@example.com/groups?limit=500')
  t.equal(groups.status, 200)
  t.equal(groups.body.length, 6)
  t.match(String(groups.headers.link), /limit=200>; rel="self"/)
})

t.test('invalid groups limit is 400 E0000001', async (t) => {
  const { api } = await startHarness(t, { users: [MEMBER] })
  const groups = await api('GET', '/api/v1/users/gina@example.com/groups?limit=abc')
  t.equal(groups.status, 400)
  t.equal(groups.body.errorCode, 'E0000001')
})

t.test('group changes through the control API show in the list', async (t) => {
  const { api, control } = await startHarness(t, { users: [MEMBER] })
  const patched = await control('PATCH', '/users/gina@example.com', { groups: ['Contractors'] })
  t.same(patched.body.groups.sort(), ['Contractors', 'Everyone'])
  const groups = await api('GET', '/api/v1/users/gina@example.com/groups')
  t.same(groups.body.map((group: { profile: { name: string } }) => group.profile.name).sort(), ['Contractors', 'Everyone'])
})
