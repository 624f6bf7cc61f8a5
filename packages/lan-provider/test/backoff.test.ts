import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Backoff } from '../src/transport/backoff.ts';

test('doubles the ceiling per failure up to the maximum', () => {
  const backoff = new Backoff(100, 1000, () => 1);
  const delays = Array.from({ length: 6 }, () => backoff.next());
  assert.equal(delays, [100, 200, 400, 800, 1000, 1000]);
});

test('keeps at least half of each ceiling, so retries never bunch at zero', () => {
  const backoff = new Backoff(100, 1000, () => 0);
  const delays = Array.from({ length: 5 }, () => backoff.next());
  assert.equal(delays, [50, 100, 200, 400, 500]);
});

test('starts over after a reset', () => {
  const backoff = new Backoff(100, 1000, () => 1);
  backoff.next();
  backoff.next();
  backoff.reset();
  assert.is(backoff.attempts, 0);
  assert.is(backoff.next(), 100);
});

test('spreads many peers retrying at once over the second half', () => {
  const delays = Array.from({ length: 200 }, () => {
    const backoff = new Backoff(1000, 1000);
    return backoff.next();
  });
  const buckets = new Set(delays.map((d) => Math.floor((d - 500) / 50)));
  assert.ok(delays.every((d) => d >= 500 && d <= 1000));
  assert.ok(buckets.size >= 8, `only ${buckets.size} distinct buckets`);
});

test.run();
