import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalize } from '../src/index.ts';
import {
  canonicalMembers,
  isCanonicalText,
  nonCanonicalReason,
} from '../src/journal/canonical-text.ts';

/** The definition: the text is what `canonicalize` writes for its value. */
function definition(text: string): boolean {
  try {
    return canonicalize(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

/** Strings that exercise NFC, escapes, surrogates and sort order. */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme-composite' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary-ascii' }),
  fc.constantFrom(
    'e\u0301',
    'é',
    'A\u030a',
    'ﬁ',
    'شاي',
    '"',
    '\\',
    '\n',
    '\x7f',
    '\u2028',
    '\ud83d\ude00',
    '\ud800',
    '\ude00x',
    '10',
    '9',
    '',
  ),
);

/** Values as payloads hold them, with integer-like and NFC-colliding keys. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.constantFrom(
      0,
      -1,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      2 ** 53,
      1.5,
      1e21,
    ),
    text,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 6 }),
    fc.dictionary(
      fc.constantFrom('10', '9', 'a', 'é', 'e\u0301'),
      tie('value'),
    ),
  ),
}));

/** How an attacker or a careless writer spells the same value otherwise. */
const spelling = fc.constantFrom(
  (v: unknown) => JSON.stringify(v),
  (v: unknown) => JSON.stringify(v, null, 1),
  (v: unknown) => JSON.stringify(v, null, '\t'),
);

/** Characters that change a canonical text in telling ways. */
const edit = fc.constantFrom(
  ' ',
  '"',
  '\\',
  ',',
  ':',
  '0',
  '1',
  '-',
  '.',
  'e',
  '}',
  ']',
  '\u0301',
  '\ud800',
  '\u00e9',
  '\\u0041',
  '\\/',
);

/** A canonical text with one character inserted, replaced or removed. */
const mutated = fc
  .tuple(value, fc.nat(), edit, fc.constantFrom('insert', 'replace', 'cut'))
  .map(([v, at, piece, how]) => {
    let base: string;
    try {
      base = canonicalize(v);
    } catch {
      base = JSON.stringify(v) ?? 'null';
    }
    const i = base.length === 0 ? 0 : at % base.length;
    if (how === 'insert') return base.slice(0, i) + piece + base.slice(i);
    if (how === 'replace') return base.slice(0, i) + piece + base.slice(i + 1);
    return base.slice(0, i) + base.slice(i + 1);
  });

test('accepts every canonical text on random values', () => {
  fc.assert(
    fc.property(value, (v) => {
      let written: string;
      try {
        written = canonicalize(v);
      } catch {
        return;
      }
      assert.ok(isCanonicalText(written), written);
    }),
    { numRuns: 3000 },
  );
});

test('answers as the definition on other spellings of random values', () => {
  fc.assert(
    fc.property(value, spelling, (v, spell) => {
      const written = spell(v);
      if (written === undefined) return;
      assert.is(isCanonicalText(written), definition(written), written);
    }),
    { numRuns: 3000 },
  );
});

test('answers as the definition on canonical texts edited by one character', () => {
  fc.assert(
    fc.property(mutated, (t) => {
      assert.is(isCanonicalText(t), definition(t), JSON.stringify(t));
    }),
    { numRuns: 10000 },
  );
});

test('answers as the definition on arbitrary JSON texts', () => {
  fc.assert(
    fc.property(fc.json(), (t) => {
      assert.is(isCanonicalText(t), definition(t), t);
    }),
    { numRuns: 3000 },
  );
});

const CANONICAL = '{"note":"café","orderId":"o-1","tax":150,"total":1150}';

test('refuses texts that still parse but are spelled otherwise', () => {
  assert.ok(isCanonicalText(CANONICAL), 'the golden payload');
  const others = {
    'a repeated key':
      '{"note":"café","orderId":"o-1","tax":150,"total":100,"total":1150}',
    'swapped keys': '{"note":"café","orderId":"o-1","total":1150,"tax":150}',
    'a space': '{"note":"café", "orderId":"o-1","tax":150,"total":1150}',
    'a newline at the end': `${CANONICAL}\n`,
    '1.0 for 1': '{"note":"café","orderId":"o-1","tax":150.0,"total":1150}',
    'an exponent': '{"note":"café","orderId":"o-1","tax":1.5e2,"total":1150}',
    'a \\u escape for a plain letter':
      '{"note":"caf\\u00e9","orderId":"o-1","tax":150,"total":1150}',
    'an escaped slash':
      '{"note":"café","orderId":"o\\/1","tax":150,"total":1150}',
    'a string not in NFC':
      '{"note":"cafe\u0301","orderId":"o-1","tax":150,"total":1150}',
    'a key not in NFC':
      '{"note":"café","orderId":"o-1","tax":150,"total":1150,"é":1}'.replace(
        'é"',
        'e\u0301"',
      ),
    '-0': '{"a":-0}',
    'a leading zero': '{"a":01}',
    'an unsafe integer': '{"a":9007199254740992}',
    'an upper-case escape': '{"a":"\\u001F"}',
    'an escaped surrogate pair': '{"a":"\\ud83d\\ude00"}',
    'a raw lone surrogate': '{"a":"\ud800"}',
  };
  for (const [name, other] of Object.entries(others)) {
    assert.not.ok(isCanonicalText(other), name);
    assert.not.ok(definition(other), `${name} (the definition agrees)`);
  }
});

test('accepts the edges of the canonical form', () => {
  const edges = [
    '{"10":1,"9":2}',
    '{"a":9007199254740991,"b":-9007199254740991,"c":0}',
    '{"a":"\\u001f\\n\\"\\\\","b":"\x7f\u2028"}',
    '{"a":"\\ud800","b":"\ud83d\ude00"}',
    '{"":[],"a":{},"b":[[],{}]}',
    '[true,false,null]',
  ];
  for (const edge of edges) {
    assert.ok(definition(edge), `${edge} is canonical by definition`);
    assert.ok(isCanonicalText(edge), edge);
  }
});

test('says where a text departs from its canonical form', () => {
  const reason = nonCanonicalReason('{"total":100,"total":50}');
  assert.match(reason, /at character 9/);
  assert.match(nonCanonicalReason('{"a":1.5}'), /no canonical value/);
});

/** What `canonicalMembers` must return: the definition, then the picks. */
function membersByDefinition(
  t: string,
  names: string[],
): Record<string, unknown> | null {
  if (!definition(t)) return null;
  const whole = JSON.parse(t) as unknown;
  if (typeof whole !== 'object' || whole === null || Array.isArray(whole)) {
    return null;
  }
  const picked: Record<string, unknown> = {};
  for (const name of names) {
    if (Object.hasOwn(whole, name)) {
      picked[name] = (whole as Record<string, unknown>)[name];
    }
  }
  return picked;
}

test('canonicalMembers picks members only out of canonical object texts', () => {
  const names = fc.uniqueArray(fc.oneof(text, fc.constantFrom('a', 'é')), {
    maxLength: 4,
  });
  const objectText = fc
    .dictionary(fc.oneof(text, fc.constantFrom('a', 'é')), value, {
      maxKeys: 6,
    })
    .map((o) => {
      try {
        return canonicalize(o);
      } catch {
        return JSON.stringify(o);
      }
    });
  fc.assert(
    fc.property(fc.oneof(objectText, mutated, fc.json()), names, (t, n) => {
      const got = canonicalMembers(t, n);
      assert.equal(got, membersByDefinition(t, n), t);
    }),
    { numRuns: 5000 },
  );
});

test('canonicalMembers reads a key written with escapes by its value', () => {
  const payload = { 'a"b': 1, total: 2, '\u0007': 3, lines: [{ tax: 9 }] };
  const text = canonicalize(payload);
  assert.ok(text.includes('\\u0007') && text.includes('a\\"b'), text);
  assert.equal(canonicalMembers(text, ['a"b', '\u0007', 'total', 'tax']), {
    '\u0007': 3,
    'a"b': 1,
    total: 2,
  });
  assert.is(canonicalMembers('{"b":1,"a":2}', ['a']), null, 'keys unsorted');
  assert.is(canonicalMembers('{"a":1,"a":2}', ['a']), null, 'a key twice');
  assert.is(canonicalMembers('[1]', ['0']), null, 'not an object');
  assert.is(canonicalMembers('{"a":1.5}', ['a']), null, 'a float');
});

test.run();
