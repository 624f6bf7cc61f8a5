import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DATABASE_FILE, type JournalEntry, StoreError } from '../src/index.ts';
import {
  DAY,
  openStore,
  salePayload,
  settleMany,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';

const isCode = (code: string) => (e: unknown) =>
  e instanceof StoreError && e.code === code;

test('numbers entries and documents without gaps, from 1', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  try {
    const [a, b] = settleMany(store, clock, 2);
    const drawer = store.record({
      kind: 'drawer-open',
      user: 'cashier-1',
      businessDate: DAY,
      reason: 'no sale',
      amount: 0,
    });
    const [c] = settleMany(store, clock, 1, 3);
    assert.equal(
      [a, b, drawer, c].map((e) => [e?.seq, e?.docNo]),
      [
        [1, 'riyadh-till-1-000001'],
        [2, 'riyadh-till-1-000002'],
        [3, null],
        [4, 'riyadh-till-1-000003'],
      ],
    );
    assert.ok(store.verify().ok);
  } finally {
    store.close();
    remove();
  }
});

test('keeps perpetual totals across restarts and leaves training out', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  let store = openStore(dir, clock);
  const [sale] = settleMany(store, clock, 1);
  store.close();

  store = openStore(dir, clock);
  try {
    const training = store.settle({
      user: 'trainee',
      businessDate: DAY,
      invoice: salePayload('o-training'),
      training: true,
    });
    assert.is(training.kind, 'training-sale');
    assert.is(training.docNo, null);
    assert.equal(training.running, sale?.running);
    const [second] = settleMany(store, clock, 1, 2);
    assert.is(second?.running.sales, 2 * (sale?.total ?? 0));
    assert.is(second?.docNo, 'riyadh-till-1-000002');
  } finally {
    store.close();
    remove();
  }
});

test('records a clock change instead of a timestamp going backwards', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  try {
    const [before] = settleMany(store, clock, 1);
    clock.tick(-3_600_000);
    const after = settleMany(store, clock, 2, 2);
    const entries = store.journal.entriesAfter(0, 10);
    assert.equal(
      entries.map((e) => e.kind),
      ['sale', 'clock-change', 'sale', 'sale'],
    );
    const change = entries[1] as JournalEntry;
    assert.is(change.ts, before?.ts);
    assert.is(change.payload.journal, before?.ts);
    assert.is(change.payload.observed, new Date(clock.ms - 1000).toISOString());
    for (const e of after) assert.ok(e.ts >= (before?.ts ?? ''));
    assert.ok(store.verify().ok);
  } finally {
    store.close();
    remove();
  }
});

test('a credit note points at its original and never exceeds what is left', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  try {
    const [sale] = settleMany(store, clock, 1);
    const full = salePayload('o-1');
    const part = { ...full, lines: full.lines.slice(1) };
    const tea = part.lines[0]?.lineTotal ?? 0;
    const tax = Math.round((tea * 1500) / 11500);
    const invoice = {
      ...part,
      total: tea,
      tax,
      taxes: [{ rate: 1500, base: tea - tax, tax }],
      payments: [{ method: 'cash', amount: tea }],
    };
    const note = store.creditNote({
      user: 'manager',
      businessDate: DAY,
      original: sale?.docNo ?? '',
      reason: 'tea was cold',
      invoice,
    });
    assert.is(note.docNo, 'riyadh-till-1-000002');
    assert.equal(note.payload.original, {
      device: 'till-1',
      seq: 1,
      docNo: 'riyadh-till-1-000001',
    });
    assert.equal(note.running, {
      sales: sale?.total,
      credits: tea,
      net: (sale?.total ?? 0) - tea,
    });

    // The whole invoice is more than what is left after the tea.
    const head = store.journal.headSeq();
    assert.throws(
      () =>
        store.creditNote({
          user: 'manager',
          businessDate: DAY,
          original: sale?.docNo ?? '',
          reason: 'again',
          invoice: full,
        }),
      isCode('credit-exceeds-original'),
    );
    assert.throws(
      () =>
        store.creditNote({
          user: 'manager',
          businessDate: DAY,
          original: 'riyadh-till-1-000099',
          reason: 'ghost',
          invoice,
        }),
      isCode('missing-original'),
    );
    assert.is(store.journal.headSeq(), head);
    assert.ok(store.verify().ok);

    // Looked up by number, through the indexes, as the till corrects.
    assert.equal(store.journal.byDocNo(note.docNo ?? ''), note);
    assert.equal(store.journal.byDocNo(sale?.docNo ?? ''), sale);
    assert.is(store.journal.byDocNo('riyadh-till-1-000099'), null);
    assert.is(store.documents.credited(sale?.docNo ?? ''), tea);
    assert.is(store.documents.credited(note.docNo ?? ''), 0);
  } finally {
    store.close();
    remove();
  }
});

test('counts reprints and marks every copy DUPLICATE', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  try {
    const [sale] = settleMany(store, clock, 1);
    const who = { user: 'cashier-1', businessDate: DAY };
    const first = store.reprint({ ...who, docNo: sale?.docNo ?? '' });
    const second = store.reprint({ ...who, docNo: sale?.docNo ?? '' });
    assert.equal(
      [first, second].map((e) => [e.payload.mark, e.payload.copy, e.docNo]),
      [
        ['DUPLICATE', 1, null],
        ['DUPLICATE', 2, null],
      ],
    );
    const z = store.closeDay({ user: 'manager', businessDate: DAY });
    assert.is((z.payload.counts as Record<string, number>).reprint, 2);
  } finally {
    store.close();
    remove();
  }
});

test('a Z closing has its own number, its range and the sums of its period', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  const who = { user: 'manager', businessDate: DAY };
  try {
    const sales = settleMany(store, clock, 3);
    store.record({ ...who, kind: 'cash-out', reason: 'float', amount: 5000 });
    store.record({
      ...who,
      kind: 'line-void',
      orderId: 'o-9',
      lineId: 'o-9-l1',
      reason: 'wrong item',
      amount: 1150,
    });
    store.settle({ ...who, invoice: salePayload('o-t'), training: true });
    const z1 = store.closeDay(who);
    const one = salePayload('o-1');
    assert.equal(z1.payload, {
      zNo: 1,
      fromSeq: 1,
      toSeq: 6,
      lastHash: z1.prevHash,
      perpetual: z1.running,
      counts: { sale: 3, 'cash-out': 1, 'line-void': 1, 'training-sale': 1 },
      sums: {
        sale: 3 * one.total,
        'cash-out': 5000,
        'line-void': 1150,
        'training-sale': one.total,
      },
      salesTax: {
        '1500': { base: 3 * (one.total - one.tax), tax: 3 * one.tax },
      },
      creditTax: {},
      salesPayments: { card: 3 * (one.total - 1000), cash: 3000 },
      creditPayments: {},
    });
    assert.is(
      z1.running.sales,
      sales.reduce((s, e) => s + e.total, 0),
    );

    settleMany(store, clock, 1, 4);
    const z2 = store.closeDay(who);
    assert.equal(
      [z2.payload.zNo, z2.payload.fromSeq, z2.payload.toSeq],
      [2, 8, 8],
    );
    assert.ok(store.verify().ok);
  } finally {
    store.close();
    remove();
  }
});

test('records voids, cash movements and connectivity without moving totals', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  const who = { user: 'cashier-1', businessDate: DAY };
  try {
    store.record({ ...who, kind: 'offline', reason: 'relay unreachable' });
    store.record({ ...who, kind: 'cash-in', reason: 'float', amount: 10000 });
    store.record({
      ...who,
      kind: 'order-void',
      orderId: 'o-1',
      lineId: null,
      reason: 'walked out',
      amount: 2875,
    });
    const online = store.record({ ...who, kind: 'online', reason: 'relay' });
    assert.equal(online.running, { sales: 0, credits: 0, net: 0 });
    assert.is(online.seq, 4);
    assert.throws(
      () => store.record({ ...who, kind: 'cash-in', reason: 'x', amount: 1.5 }),
      isCode('invalid-settlement'),
    );
  } finally {
    store.close();
    remove();
  }
});

test('refuses an invoice that does not add up and journals nothing', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  try {
    const invoice = salePayload('o-1');
    const cases = [
      { ...invoice, total: invoice.total + 1 },
      { ...invoice, tax: invoice.tax - 1 },
      { ...invoice, payments: [{ method: 'cash', amount: 1 }] },
      { ...invoice, total: 28.75 },
      { ...invoice, seller: { ...invoice.seller, rating: 4.5 } },
    ];
    for (const bad of cases) {
      assert.throws(
        () => store.settle({ user: 'u', businessDate: DAY, invoice: bad }),
        isCode('invalid-settlement'),
      );
    }
    assert.is(store.journal.headSeq(), 0);
  } finally {
    store.close();
    remove();
  }
});

test('triggers abort UPDATE, DELETE and inserts that do not extend the chain', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  settleMany(store, clock, 2);
  store.close();
  const db = new Database(join(dir, DATABASE_FILE));
  try {
    const refuse = /append-only|does not extend/;
    assert.throws(() => db.exec('UPDATE journal SET total = 1'), refuse);
    assert.throws(() => db.exec('DELETE FROM journal WHERE seq = 2'), refuse);
    assert.throws(
      () =>
        db.exec(
          `INSERT INTO journal SELECT device, 5, kind, ts, business_date, user,
           'x', payload, total, tax, run_sales, run_credits, run_net, prev_hash,
           hash FROM journal WHERE seq = 2`,
        ),
      refuse,
    );
    assert.is(db.prepare('SELECT count(*) FROM journal').pluck().get(), 2);
  } finally {
    db.close();
    remove();
  }
});

test('settles with the outbox record in the same transaction, then writes the claim', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  const store = openStore(dir, clock);
  try {
    const claims: number[] = [];
    const entry = store.settle(
      { user: 'u', businessDate: DAY, invoice: salePayload('o-1') },
      (e) => claims.push(e.seq),
    );
    assert.equal(claims, [1]);
    const [record] = store.outbox.nextBatch(10);
    assert.is(record?.key, 'till-1:1');
    assert.is(record?.entry.hash, entry.hash);
    assert.is(store.unclaimed().length, 0);
  } finally {
    store.close();
    remove();
  }
});

test('start-up hands every unclaimed settlement to the claim writer', () => {
  const { dir, remove } = tempDir();
  const clock = new TestClock();
  let store = openStore(dir, clock);
  const invoice = (id: string) => ({
    user: 'u',
    businessDate: DAY,
    invoice: salePayload(id),
  });
  store.settle(invoice('o-1'), () => {});
  store.settle(invoice('o-2'), () => {
    throw new Error('day document not loaded');
  });
  store.settle(invoice('o-3'));
  store.close();

  store = openStore(dir, clock);
  try {
    const written: string[] = [];
    const count = store.reconcileClaims((e) => {
      written.push(String(e.payload.orderId));
    });
    assert.is(count, 2);
    assert.equal(written, ['o-2', 'o-3']);
    assert.is(
      store.reconcileClaims(() => {}),
      0,
    );
  } finally {
    store.close();
    remove();
  }
});

test.run();
