import { canonicalize } from '@brigade/store';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isCanonicalShaped, payloadText } from '../src/journal/payload-text.ts';

const json = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

/** canonicalize's answer, or the code of what it threw. */
function reference(value: unknown): string {
  try {
    return canonicalize(value);
  } catch {
    return 'refused';
  }
}

function fast(value: unknown): string {
  try {
    return payloadText(value as object);
  } catch {
    return 'refused';
  }
}

test('prints exactly what canonicalize prints for any JSON value', () => {
  fc.assert(
    fc.property(json, (value) => {
      assert.is(fast(value), reference(value));
    }),
    { numRuns: 2000 },
  );
});

test('takes the fast path for values the store sealed, with the same text', () => {
  fc.assert(
    fc.property(json, (value) => {
      const text = reference(value);
      if (text === 'refused') return;
      const sealed = JSON.parse(text);
      assert.ok(isCanonicalShaped(sealed), text);
      assert.is(JSON.stringify(sealed), text);
    }),
    { numRuns: 2000 },
  );
});

test('falls back for unsorted keys, integer-like keys, NFD text and fractions', () => {
  const cases: unknown[] = [
    { b: 1, a: 2 },
    { 10: 'x', 2: 'y' },
    { name: 'Cafe\u0301' },
    { 'e\u0301': 1 },
    { a: [1, { d: 1, c: 2 }] },
    { a: -0 },
  ];
  for (const value of cases) {
    assert.is(fast(value), reference(value), JSON.stringify(value));
  }
  assert.not.ok(isCanonicalShaped({ b: 1, a: 2 }));
  assert.not.ok(isCanonicalShaped({ 10: 'x', 2: 'y' }));
  assert.not.ok(isCanonicalShaped({ name: 'Cafe\u0301' }));
  assert.not.ok(isCanonicalShaped({ total: 1.5 }));
  assert.is(fast({ total: 1.5 }), 'refused');
});

test.run();
