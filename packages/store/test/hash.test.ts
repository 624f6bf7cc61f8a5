import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  canonicalize,
  computeHash,
  GENESIS_HASH,
  hashInput,
  sealEntry,
} from '../src/index.ts';
import { saleChain } from './journal-fixtures.ts';

const GOLDEN_INPUT =
  '{"businessDate":"2026-01-01","device":"till-1",' +
  '"docNo":"riyadh-till-1-000001","kind":"sale",' +
  '"payload":{"note":"café","orderId":"o-1","tax":150,"total":1150},' +
  '"prevHash":"5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9",' +
  '"running":{"credits":0,"net":1150,"sales":1150},"seq":1,"tax":150,' +
  '"total":1150,"ts":"2026-01-01T12:00:00.000Z","user":"cashier-1"}';
const GOLDEN_HASH =
  '711cd1e195ed50d1b0a68b4a15964a49725d2ba2d55604ce4ca93903f1d7a80c';

function goldenEntry() {
  return sealEntry(null, {
    device: 'till-1',
    kind: 'sale',
    ts: '2026-01-01T12:00:00.000Z',
    businessDate: '2026-01-01',
    user: 'cashier-1',
    docNo: 'riyadh-till-1-000001',
    // Decomposed é: the hash input must hold the composed form.
    payload: { total: 1150, orderId: 'o-1', note: 'cafe\u0301', tax: 150 },
    total: 1150,
    tax: 150,
  }).entry;
}

test('hashes the documented byte layout (golden entry)', () => {
  const { hash, ...rest } = goldenEntry();
  assert.is(hashInput(rest, canonicalize(rest.payload)), GOLDEN_INPUT);
  assert.is(hash, GOLDEN_HASH);
  const direct = createHash('sha256').update(Buffer.from(GOLDEN_INPUT, 'utf8'));
  assert.is(direct.digest('hex'), GOLDEN_HASH);
});

test('the fast layout equals the canonical form of the entry', () => {
  for (const entry of saleChain(5)) {
    const { hash, ...rest } = entry;
    assert.is(hashInput(rest, canonicalize(rest.payload)), canonicalize(rest));
    assert.is(computeHash(rest), hash);
  }
});

test('the verifier writes the same hash input for a checked entry', () => {
  const { hash: _, ...golden } = goldenEntry();
  const text = canonicalize(golden.payload);
  assert.is(hashInput(golden, text, true), GOLDEN_INPUT);
  for (const entry of saleChain(5)) {
    const { hash: __, ...rest } = entry;
    const payload = canonicalize(rest.payload);
    assert.is(hashInput(rest, payload, true), hashInput(rest, payload));
    // Strings that do need escaping or NFC are written as hashInput does.
    const odd = { ...rest, device: 'till "1"', user: 'Jose\u0301\n' };
    assert.is(hashInput(odd, payload, true), hashInput(odd, payload));
  }
});

test('starts every chain at the genesis hash and links each entry', () => {
  const chain = saleChain(3);
  assert.is(chain[0]?.prevHash, GENESIS_HASH);
  assert.is(chain[1]?.prevHash, chain[0]?.hash);
  assert.is(chain[2]?.prevHash, chain[1]?.hash);
});

test('one changed minor unit changes the hash', () => {
  const { hash, ...rest } = goldenEntry();
  assert.is.not(computeHash({ ...rest, total: 1151 }), hash);
});

test.run();
