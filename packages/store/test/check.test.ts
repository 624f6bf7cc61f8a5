import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  canonicalize,
  checkNext,
  computeHash,
  computeHashWithPayloadText,
  formatDocNo,
  type JournalEntry,
  parseDocNo,
  sealEntry,
} from '../src/index.ts';
import { BRANCH, DEVICE, saleChain, saleDraft } from './journal-fixtures.ts';

function rehash(entry: JournalEntry): JournalEntry {
  const { hash: _, ...rest } = entry;
  return { ...entry, hash: computeHash(rest) };
}

function codeOf(prev: JournalEntry | null, entry: JournalEntry) {
  return checkNext(prev, entry)?.code ?? null;
}

test('accepts a valid chain from its first entry', () => {
  const chain = saleChain(4);
  let prev: JournalEntry | null = null;
  for (const entry of chain) {
    assert.is(checkNext(prev, entry), null);
    prev = entry;
  }
});

test('reports a gap when a middle entry is missing', () => {
  const [a, , c] = saleChain(3);
  const problem = checkNext(a!, c!);
  assert.is(problem?.code, 'seq-gap');
  assert.is(problem?.seq, 3);
  assert.match(problem?.message ?? '', /link is broken/);
});

test('reports an edited total as a hash mismatch', () => {
  const [a, b] = saleChain(2);
  assert.is(codeOf(a!, { ...b!, total: b!.total + 1 }), 'hash-mismatch');
});

test('reports a broken link even when the hash was recomputed', () => {
  const [a, b] = saleChain(2);
  const forged = rehash({ ...b!, prevHash: 'f'.repeat(64) });
  assert.is(codeOf(a!, forged), 'broken-link');
});

test('reports running totals that do not add up', () => {
  const [a, b] = saleChain(2);
  const running = { ...b!.running, net: b!.running.net + 1 };
  assert.is(codeOf(a!, rehash({ ...b!, running })), 'running-totals');
});

test('reports a skipped document number between neighbours', () => {
  const [a] = saleChain(1);
  const skipped = sealEntry(a!, saleDraft(3, '2026-01-01T12:00:05.000Z'));
  const problem = checkNext(a!, skipped.entry);
  assert.is(problem?.code, 'doc-number');
  assert.match(problem?.message ?? '', /expected counter 2/);
});

test('reports a timestamp before the previous one', () => {
  const [a] = saleChain(1);
  const early = sealEntry(a!, saleDraft(2, '2025-12-31T23:00:00.000Z'));
  assert.is(codeOf(a!, early.entry), 'ts-backwards');
});

test('reports floats, unknown kinds and missing document numbers', () => {
  const [a] = saleChain(1);
  assert.is(codeOf(null, { ...a!, total: 11.5 }), 'malformed');
  assert.is(codeOf(null, { ...a!, kind: 'gift' as 'sale' }), 'malformed');
  assert.is(codeOf(null, { ...a!, docNo: null }), 'malformed');
  const payload = { ...a!.payload, ratio: 0.5 };
  assert.is(codeOf(null, { ...a!, payload }), 'malformed');
});

test('names a malformed hash before the faults that follow from it', () => {
  const [a, b] = saleChain(2);
  const upper = { ...b!, hash: b!.hash.toUpperCase() };
  assert.equal(checkNext(a!, upper)?.message, 'hash format');
  const gap = { ...upper, seq: 5 };
  assert.is(checkNext(a!, gap)?.code, 'malformed');
});

test('names a malformed prevHash before the broken link it makes', () => {
  const [a, b] = saleChain(2);
  const upper = rehash({ ...b!, prevHash: a!.hash.toUpperCase() });
  assert.equal(checkNext(a!, upper)?.message, 'prevHash format');
  const first = rehash({ ...a!, prevHash: `${a!.prevHash.slice(1)}"` });
  assert.equal(checkNext(null, first)?.message, 'prevHash format');
});

test('reports a stored payload text that is not canonical, though hashed over', () => {
  const [a, b] = saleChain(2) as [JournalEntry, JournalEntry];
  const canonical = canonicalize(b.payload);
  const text = canonical.replace('"total":', '"total":1,"total":');
  const { hash: _, ...rest } = b;
  const honest = { ...b, hash: computeHashWithPayloadText(rest, text) };

  const stored = { payloadText: text, checkPayloadText: true };
  const problem = checkNext(a, honest, stored);
  assert.is(problem?.code, 'payload-not-canonical');
  assert.is(problem?.seq, b.seq);
  assert.match(problem?.message ?? '', /at character \d+: "1,\\"total/);

  // Unchecked, the text is taken as the caller's own canonical writing.
  assert.is(checkNext(a, honest, { payloadText: text }), null);
  const checked = { payloadText: canonical, checkPayloadText: true };
  assert.is(checkNext(a, b, checked), null);
});

test('reports an entry of another device', () => {
  const [a, b] = saleChain(2);
  assert.is(codeOf(a!, rehash({ ...b!, device: 'till-2' })), 'device-mismatch');
});

test('formats and parses document numbers with six or more digits', () => {
  assert.is(formatDocNo(BRANCH, DEVICE, 42), 'riyadh-till-1-000042');
  assert.equal(parseDocNo('riyadh-till-1-1234567'), {
    series: 'riyadh-till-1',
    counter: 1234567,
  });
  assert.is(parseDocNo('riyadh-till-1-42'), null);
  assert.is(parseDocNo('riyadh-till-1-0000042'), null);
  assert.is(parseDocNo('riyadh-till-1-0000042'), null, 'remembered as well');
  assert.ok(Object.isFrozen(parseDocNo('riyadh-till-1-000042')));
});

test.run();
