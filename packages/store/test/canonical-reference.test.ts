import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CanonicalError, canonicalize, isCanonical } from '../src/index.ts';
import { referenceCanonicalize } from '../src/journal/canonical-reference.ts';

/** The text or the error message: what each writer answers. */
function answer(write: (value: unknown) => string, value: unknown): string {
  try {
    return `ok ${write(value)}`;
  } catch (error) {
    if (!(error instanceof CanonicalError)) throw error;
    return `refused ${error.message}`;
  }
}

/** Strings that exercise NFC, escapes, surrogates and sort order. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme-composite' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('e\u0301', 'é', 'Å', 'A\u030a', 'ﬁ', 'شاي', '"', '\\', '\n'),
);

/** Mostly canonical values, with floats, undefined and dates mixed in. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.constantFrom(-0, 2 ** 53, 0.5, Number.NaN, undefined),
    text,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 6 }),
    fc.dictionary(fc.constantFrom('e\u0301', 'é', 'a', 'b'), tie('value')),
  ),
}));

test('the one-walk writer equals the reference on random values', () => {
  fc.assert(
    fc.property(value, (v) => {
      assert.is(answer(canonicalize, v), answer(referenceCanonicalize, v));
      assert.is(
        isCanonical(v),
        answer(referenceCanonicalize, v).startsWith('ok'),
      );
    }),
    { numRuns: 3000 },
  );
});

test('names the member at fault as the reference does', () => {
  const bad = { lines: [{ qty: 1 }, { qty: 1.5 }] };
  assert.throws(
    () => canonicalize(bad),
    (e: unknown) =>
      e instanceof CanonicalError &&
      e.message === '$.lines[1].qty: 1.5 is not a safe integer',
  );
});

test('sorts keys that change under NFC by their NFC form', () => {
  const value = { b: 1, 'e\u0301': 2, a: 3 };
  assert.is(canonicalize(value), '{"a":3,"b":1,"é":2}');
  assert.is(canonicalize(value), referenceCanonicalize(value));
});

test.run();
