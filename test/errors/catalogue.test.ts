import { readFileSync } from 'node:fs'
import t from 'tap'
import { errors } from '../../src/errors.ts'

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')

t.test('every catalogued code is documented', async (t) => {
  for (const definition of Object.values(errors)) {
    t.match(docs, `\`${definition.code}\``, `${definition.code} is in docs/errors.md`)
  }
})

t.test('every documented code is in the catalogue', async (t) => {
  const catalogued = new Set<string>(Object.values(errors).map((definition) => definition.code))
  catalogued.add('PG_ERR_INTERNAL')
  for (const [code] of docs.matchAll(/PG_ERR_[A-Z_]+/g)) {
    t.ok(catalogued.has(code), `${code} in docs/errors.md exists in src/errors.ts`)
  }
})
