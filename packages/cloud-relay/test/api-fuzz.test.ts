import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Harness, startApi } from './support/api.ts';
import { batch, ChainBuilder } from './support/chain.ts';

const RUNS = 100;

/** `FUZZ_SEED=<n>` replays a failure that fast-check reported. */
const seed =
  process.env.FUZZ_SEED === undefined
    ? {}
    : { seed: Number(process.env.FUZZ_SEED) };
let api: Harness;
let till: string;
let snapshot: string;
const chain = new ChainBuilder('till-1');
for (let i = 0; i < 3; i++) {
  chain.sale({
    lines: [
      { itemId: 'tea', name: 'Tea', qty: 2, unitPrice: 500, taxRate: 1500 },
    ],
    payments: [{ method: 'card', amount: 1000 }],
  });
}

/** Every stored journal row and device tail, as one comparable text. */
function stored(): string {
  const entries = api.db
    .prepare('SELECT * FROM journal_entries ORDER BY device, seq')
    .all();
  const devices = api.db
    .prepare('SELECT device, last_seq, last_hash FROM journal_devices')
    .all();
  return JSON.stringify({ entries, devices });
}

test.before(async () => {
  api = await startApi();
  till = api.token('till');
  const res = await api.call('/v1/journal', {
    token: till,
    body: batch(chain.entries),
  });
  assert.is(res.body.stored.length, 3);
  snapshot = stored();
});

test.after(async () => {
  await api.close();
});

/** What a fuzzed body may get: an answer, never a crash or a 500. */
function assertAnswered(status: number, body: unknown) {
  assert.ok([200, 400, 403, 413, 415].includes(status), `status ${status}`);
  if (status !== 200) {
    const error = (body as { error?: { code?: unknown } }).error;
    assert.type(error?.code, 'string');
  }
}

test('answers arbitrary JSON journal bodies without crashing or changing the journal', async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
      const res = await api.call('/v1/journal', { token: till, body });
      assertAnswered(res.status, res.body);
      assert.is(stored(), snapshot);
    }),
    { numRuns: RUNS, ...seed },
  );
});

test('answers arbitrary text bodies without crashing or changing the journal', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: 'binary', maxLength: 300 }),
      async (raw) => {
        const res = await api.call('/v1/journal', { token: till, raw });
        assertAnswered(res.status, res.body);
        assert.is(stored(), snapshot);
      },
    ),
    { numRuns: RUNS, ...seed },
  );
});

/** A path into an entry, from its top-level keys down one or two levels. */
const entryPath = fc.constantFrom(
  ['device'],
  ['seq'],
  ['kind'],
  ['ts'],
  ['businessDate'],
  ['user'],
  ['docNo'],
  ['payload'],
  ['total'],
  ['tax'],
  ['running'],
  ['prevHash'],
  ['hash'],
  ['running', 'net'],
  ['running', 'sales'],
  ['payload', 'total'],
  ['payload', 'lines'],
  ['payload', 'payments'],
  ['payload', 'taxes'],
  ['payload', 'currency'],
  ['payload', 'new'],
);

test('answers mutated copies of stored entries without changing the stored ones', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: 2 }),
      entryPath,
      fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
      async (index, path, value) => {
        const entry = structuredClone(
          chain.entries[index]!,
        ) as unknown as Record<string, unknown>;
        let target = entry;
        for (const key of path.slice(0, -1))
          target = target[key] as Record<string, unknown>;
        const last = path.at(-1)!;
        if (value === undefined) delete target[last];
        else target[last] = value;
        const res = await api.call('/v1/journal', {
          token: till,
          body: { entries: [entry] },
        });
        assertAnswered(res.status, res.body);
        if (res.status === 200) {
          // A changed stored entry is a duplicate only if nothing changed.
          const { stored: s, refused, duplicate } = res.body;
          assert.is(s.length, 0);
          assert.is(refused.length + duplicate.length, 1);
        }
        assert.is(stored(), snapshot);
      },
    ),
    { numRuns: RUNS, ...seed },
  );
});

test.run();
