import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Store } from '../src/index.ts';
import { salePayload } from './journal-fixtures.ts';

test('verifies through a memory map and gives the connection its setting back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const store = Store.open({ dir, device: 'till-1', branch: 'riyadh' });
  try {
    const who = { user: 'cashier-1', businessDate: '2026-12-03' };
    for (let i = 0; i < 5; i++) {
      store.settle({ ...who, invoice: salePayload(`o-${i}`) });
    }
    const before = store.database.pragma('mmap_size', { simple: true });
    const report = store.verify();
    assert.ok(report.ok);
    assert.is(report.devices[0]?.entries, 5);
    assert.is(store.database.pragma('mmap_size', { simple: true }), before);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
