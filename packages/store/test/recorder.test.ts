import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreError } from '../src/index.ts';
import {
  DAY,
  openStore,
  salePayload,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';

const who = { user: 'manager-1', businessDate: DAY };
const isCode = (code: string) => (e: unknown) =>
  e instanceof StoreError && e.code === code;

function withStore(run: (store: ReturnType<typeof openStore>) => void) {
  const { dir, remove } = tempDir();
  const store = openStore(dir, new TestClock());
  try {
    run(store);
  } finally {
    store.close();
    remove();
  }
}

test('journals an order void with the lines and totals it voided', () => {
  withStore((store) => {
    const sale = salePayload('o-9');
    const totals = {
      subtotal: sale.total,
      discount: 0,
      serviceCharge: 0,
      tax: sale.tax,
      total: sale.total,
    };
    const entry = store.record({
      ...who,
      kind: 'order-void',
      orderId: 'o-9',
      lineId: null,
      reason: 'walked out',
      amount: sale.total,
      lines: sale.lines,
      totals,
      table: 'T4',
    });
    assert.is(entry.kind, 'order-void');
    assert.is(entry.total, sale.total);
    assert.equal(entry.running, { sales: 0, credits: 0, net: 0 });
    assert.equal(entry.payload, {
      orderId: 'o-9',
      lineId: null,
      reason: 'walked out',
      lines: sale.lines,
      totals,
      table: 'T4',
    });
    assert.equal(store.journal.get(entry.seq), entry);
    assert.ok(store.verify().ok);
  });
});

test('refuses an order void whose totals differ from its amount', () => {
  withStore((store) => {
    assert.throws(
      () =>
        store.record({
          ...who,
          kind: 'order-void',
          orderId: 'o-1',
          lineId: null,
          reason: 'x',
          amount: 100,
          totals: {
            subtotal: 99,
            discount: 0,
            serviceCharge: 0,
            tax: 0,
            total: 99,
          },
        }),
      isCode('invalid-settlement'),
    );
    assert.is(store.journal.headSeq(), 0);
  });
});

test('journals a connectivity transition with the states it went between', () => {
  withStore((store) => {
    const off = store.record({
      ...who,
      kind: 'offline',
      reason: 'relay disconnected',
      from: 'online',
      to: 'lan-only',
    });
    const first = store.record({
      ...who,
      kind: 'online',
      reason: 'relay connected',
      from: null,
      to: 'syncing',
    });
    assert.equal(off.payload, {
      from: 'online',
      reason: 'relay disconnected',
      to: 'lan-only',
    });
    assert.equal(first.payload, {
      from: null,
      reason: 'relay connected',
      to: 'syncing',
    });
    const plain = store.record({ ...who, kind: 'online', reason: 'relay' });
    assert.equal(plain.payload, { reason: 'relay' });
  });
});

test('finds the latest entry of some kinds, whatever came after it', () => {
  withStore((store) => {
    assert.is(store.journal.lastOf(['offline', 'online']), null);
    store.record({ ...who, kind: 'offline', reason: 'a' });
    const online = store.record({ ...who, kind: 'online', reason: 'b' });
    store.record({ ...who, kind: 'drawer-open', reason: 'c', amount: 0 });
    assert.equal(store.journal.lastOf(['offline', 'online']), online);
    assert.is(store.journal.lastOf(['offline'])?.payload.reason, 'a');
    assert.is(store.journal.lastOf(['cash-in']), null);
  });
});

test.run();
