import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BACKOFF_DEFAULTS, backoffDelay } from '../src/index.ts';

test('doubles the wait per attempt up to the cap', () => {
  const full = () => 0;
  const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, {}, full));
  assert.equal(waits, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
});

test('takes off up to the jitter share at random', () => {
  const options = { initialMs: 1000, jitter: 0.5 };
  assert.is(
    backoffDelay(1, options, () => 0),
    1000,
  );
  assert.is(
    backoffDelay(1, options, () => 0.5),
    750,
  );
  assert.is(
    backoffDelay(1, options, () => 0.9999),
    500,
  );
  assert.is(
    backoffDelay(1, { jitter: 0 }, () => 0.9),
    1000,
  );
});

test('spreads many retries of one attempt across the jitter range', () => {
  const waits = new Set<number>();
  for (let i = 0; i < 200; i++) waits.add(backoffDelay(3, {}, Math.random));
  const sorted = [...waits].sort((a, b) => a - b);
  assert.ok(sorted.length > 100);
  assert.ok(sorted[0]! >= 2000 && sorted.at(-1)! <= 4000);
});

test('treats attempt 0 like the first', () => {
  assert.is(
    backoffDelay(0, {}, () => 0),
    BACKOFF_DEFAULTS.initialMs,
  );
});

test.run();
