import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CanonicalError, canonicalBytes, canonicalize } from '../src/index.ts';

const isCanonicalError = (e: unknown) => e instanceof CanonicalError;

test('sorts keys and leaves out whitespace', () => {
  const text = canonicalize({ b: [1, { d: true, c: null }], a: 'x' });
  assert.is(text, '{"a":"x","b":[1,{"c":null,"d":true}]}');
});

test('sorts keys by UTF-16 code units, not by locale', () => {
  assert.is(canonicalize({ é: 1, z: 2, Z: 3 }), '{"Z":3,"z":2,"é":1}');
});

test('normalises strings and keys to NFC', () => {
  const decomposed = 'cafe\u0301';
  assert.is(canonicalize({ [decomposed]: decomposed }), '{"café":"café"}');
});

test('refuses floats, NaN and unsafe integers', () => {
  for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    assert.throws(() => canonicalize({ amount: bad }), isCanonicalError);
  }
});

test('refuses undefined, dates and keys that collide after NFC', () => {
  assert.throws(() => canonicalize({ a: undefined }), isCanonicalError);
  assert.throws(() => canonicalize({ at: new Date(0) }), isCanonicalError);
  assert.throws(
    () => canonicalize({ 'e\u0301': 1, é: 2 }),
    (e: unknown) => e instanceof CanonicalError && /duplicate/.test(String(e)),
  );
});

test('writes negative zero as 0 and escapes like JSON', () => {
  assert.is(canonicalize([-0, 'a"b\n']), '[0,"a\\"b\\n"]');
});

test('encodes the canonical text as UTF-8', () => {
  assert.equal([...canonicalBytes('ش')], [0x22, 0xd8, 0xb4, 0x22]);
});

test('plain strings take the fast path with the same result', () => {
  const samples = [
    'till-1',
    '',
    'a b~',
    'tab\there',
    'del\x7f',
    'q"',
    'b\\s',
    'شاي',
    'e\u0301',
  ];
  for (const text of samples) {
    assert.is(canonicalize(text), JSON.stringify(text.normalize('NFC')));
  }
});

test.run();
