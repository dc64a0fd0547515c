/**
 * The counters behind every limit. `counterStoreContract` is the behaviour any CounterStore must
 * have (a shared Redis or Valkey store included); the memory store must also survive a flood of
 * new keys, such as an attacker rotating through many IPs, without growing without bound.
 */
import t, { type Test } from 'tap'
import { MemoryCounterStore, type CounterStore } from '../../src/security/counter-store.ts'
import { ManualClock } from './helpers.ts'

/** Checks `makeStore` against the CounterStore contract; `clock` must drive the store's time. */
export async function counterStoreContract (t: Test, makeStore: () => Promise<CounterStore>, clock: ManualClock): Promise<void> {
  const store = await makeStore()

  const first = await store.increment('k', 60_000)
  t.same(first, { count: 1, resetAtMs: clock.now() + 60_000 }, 'the first event opens a window')
  clock.advance(10_000)
  const second = await store.increment('k', 60_000)
  t.same(second, { count: 2, resetAtMs: first.resetAtMs }, 'later events count in the same fixed window')
  t.equal((await store.increment('other', 60_000)).count, 1, 'keys count apart')
  clock.advance(50_000)
  t.equal((await store.increment('k', 60_000)).count, 1, 'a new window starts when the old one ends')

  t.equal(await store.blockedUntil('user'), undefined, 'nothing is blocked at first')
  await store.block('user', clock.now() + 5_000)
  t.equal(await store.blockedUntil('user'), clock.now() + 5_000, 'a block reports its end')
  t.equal((await store.increment('user', 60_000)).count, 1, 'blocks and counts under one key do not mix')
  clock.advance(5_000)
  t.equal(await store.blockedUntil('user'), undefined, 'the block ends on time')
  await store.block('past', clock.now() - 1)
  t.equal(await store.blockedUntil('past'), undefined, 'a block that already ended is not stored')
}

t.test('memory counter store follows the CounterStore contract', async (t) => {
  const clock = new ManualClock()
  await counterStoreContract(t, async () => new MemoryCounterStore(clock), clock)
})

t.test('flood of new IPs cannot grow the memory store or evict a user counter', async (t) => {
  const clock = new ManualClock()
  const store = new MemoryCounterStore(clock, 1_000)
  const window = 15 * 60_000
  t.equal((await store.increment('push:user:alice', window)).count, 1)
  await store.block('denied:user:alice', clock.now() + 60_000)

  for (let i = 0; i < 20_000; i++) await store.increment(`push-start:ip:198.51.${i >> 8}.${i & 255}`, window)
  t.ok(store.size <= 1_001, `the store holds ${store.size} keys after 20 000 new ones (limit 1000, plus one block)`)
  t.equal((await store.increment('push:user:alice', window)).count, 2, 'alice\'s counter survived the flood')
  t.ok(await store.blockedUntil('denied:user:alice'), 'alice\'s cool-down survived the flood')
  t.ok((await store.increment('push-start:ip:203.0.113.1', window)).count > 1_000_000, 'a new key on a full store counts as over every limit')

  clock.advance(window)
  t.equal((await store.increment('push-start:ip:203.0.113.1', window)).count, 1, 'once the window has passed, expired keys make room')
  t.ok(store.size < 10, `expired keys were swept (${store.size} left)`)
})
