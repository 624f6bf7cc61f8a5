import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  canonicalize,
  computeHash,
  type EntryDraft,
  sealEntry,
} from '../src/index.ts';

const draft = (payload: EntryDraft['payload']): EntryDraft => ({
  device: 'till-1',
  kind: 'drawer-open',
  ts: '2026-12-03T10:00:00.000Z',
  businessDate: '2026-12-03',
  user: 'cashier-1',
  docNo: null,
  total: 0,
  tax: 0,
  payload,
});

/** Canonical-safe payloads with keys in any order and any script. */
const key = fc.oneof(fc.string(), fc.constantFrom('e\u0301', 'شاي', 'z', 'A'));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
}));
const payload = fc.dictionary(key, value, { maxKeys: 6 }).filter((p) => {
  try {
    canonicalize(p);
    return true;
  } catch {
    return false; // keys that collide after NFC
  }
});

/** Keys like "7": objects list them first whatever their order. */
function hasIndexKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasIndexKey);
  return Object.entries(value).some(
    ([k, v]) => /^(0|[1-9]\d*)$/.test(k) || hasIndexKey(v),
  );
}

test('a sealed payload prints as its canonical text and hashes alike', () => {
  fc.assert(
    fc.property(payload, (p) => {
      const { entry, payloadText } = sealEntry(
        null,
        draft(p as EntryDraft['payload']),
      );
      assert.is(payloadText, canonicalize(p));
      if (!hasIndexKey(p))
        assert.is(JSON.stringify(entry.payload), payloadText);
      const { hash, ...unhashed } = entry;
      assert.is(computeHash(unhashed), hash);
    }),
    { numRuns: 500 },
  );
});

test.run();
