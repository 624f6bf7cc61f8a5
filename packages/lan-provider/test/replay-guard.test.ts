import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplayGuard } from '../src/discovery/replay-guard.ts';

test('admits a beacon once and refuses it after', () => {
  const guard = new ReplayGuard(1000);
  assert.ok(guard.admit('till-1', 100, 'aa', 100));
  assert.not.ok(guard.admit('till-1', 100, 'aa', 150));
  assert.ok(guard.admit('till-1', 100, 'bb', 150));
  assert.ok(guard.admit('till-2', 100, 'aa', 150));
});

test('forgets beacons only once they are too old to pass freshness', () => {
  const guard = new ReplayGuard(1000);
  guard.admit('till-1', 0, 'aa', 0);
  guard.admit('till-1', 1500, 'bb', 1500);
  assert.not.ok(guard.admit('till-1', 0, 'aa', 2000));
  guard.admit('till-1', 2001, 'cc', 2001);
  assert.is(guard.size, 2);
});

test.run();
