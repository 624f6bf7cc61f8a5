import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  dialerOf,
  keepNewConnection,
  shouldDial,
} from '../src/transport/peer-selection.ts';

test('lets exactly one side of every pair dial', () => {
  const ids = ['till-1', 'till-2', 'kds-grill', 'kds-bar', 'tablet-9'];
  for (const a of ids) {
    for (const b of ids) {
      if (a === b) continue;
      assert.is(shouldDial(a, b) !== shouldDial(b, a), true, `${a} ${b}`);
      assert.is(dialerOf(a, b), dialerOf(b, a));
    }
  }
});

test('keeps the connection dialled by the smaller id, on both sides', () => {
  // a < b: a's dial is preferred whichever side looks at it.
  assert.ok(keepNewConnection('a', 'b', 'b', 'a'));
  assert.ok(keepNewConnection('b', 'a', 'b', 'a'));
  assert.not.ok(keepNewConnection('a', 'b', 'a', 'b'));
  assert.not.ok(keepNewConnection('b', 'a', 'a', 'b'));
});

test('keeps the existing connection when both were dialled alike', () => {
  assert.not.ok(keepNewConnection('a', 'b', 'a', 'a'));
  assert.not.ok(keepNewConnection('a', 'b', 'b', 'b'));
});

test.run();
