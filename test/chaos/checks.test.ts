/**
 * The chaos run's invariants catch what they name: each is fed a small
 * made-up ending with one thing wrong, so a chaos run that passes is not
 * passing because a check cannot fail.
 */
import type { JournalEntry } from '@brigade/store';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ackedOnce,
  gaps,
  quantityFaults,
  replicaFaults,
  tailFaults,
  ticketsBackwards,
  unflaggedDoubles,
  viewFaults,
} from './checks.ts';
import type { TillJournals } from './journals.ts';
import { Ledger } from './ledger.ts';
import type { OrderLike } from './quiescence.ts';

function entry(device: string, seq: number, extra: Partial<JournalEntry> = {}) {
  return {
    device,
    seq,
    hash: `${device}-h${seq}`,
    docNo: `b-${device}-${seq}`,
    kind: 'sale',
    payload: { orderId: `o-${device}-${seq}` },
    ...extra,
  } as JournalEntry;
}

function till(device: string, own: JournalEntry[]): TillJournals {
  return { device, own, replicas: new Map(), verify: { code: 0, output: '' } };
}

test('a sale acknowledged but missing from the journal is named', () => {
  const ledger = new Ledger();
  const journals = [till('t1', [entry('t1', 1)])];
  ledger.journal.push({
    device: 't1',
    seq: 1,
    hash: 't1-h1',
    docNo: 'b-t1-1',
    kind: 'sale',
  });
  assert.is(ackedOnce(ledger, journals), null);
  ledger.journal.push({
    device: 't1',
    seq: 2,
    hash: 't1-h2',
    docNo: 'b-t1-2',
    kind: 'sale',
  });
  assert.match(ackedOnce(ledger, journals) ?? '', 'b-t1-2');
});

test('a document number in two chains is named', () => {
  const journals = [
    till('t1', [entry('t1', 1)]),
    till('t2', [entry('t2', 1, { docNo: 'b-t1-1' })]),
  ];
  assert.match(ackedOnce(new Ledger(), journals) ?? '', 'journalled twice');
});

test('a gap in a chain is named', () => {
  assert.match(
    gaps([till('t1', [entry('t1', 1), entry('t1', 3)])]) ?? '',
    'seq 3',
  );
});

test('a replica with another hash and a relay behind are named', () => {
  const t1 = till('t1', [entry('t1', 1), entry('t1', 2)]);
  const t2 = till('t2', []);
  t2.replicas.set('t1', [entry('t1', 1, { hash: 'forged' })]);
  assert.match(replicaFaults([t1, t2]) ?? '', 'another hash');
  const tails = [{ device: 't1', lastSeq: 1, lastHash: 't1-h1' }];
  assert.match(tailFaults([t1], tails) ?? '', 'relay at seq 1');
});

test('a lost +1 and a diverging till are named', () => {
  const order = (qty: number): OrderLike => ({
    id: 'o1',
    status: 'open',
    conflicts: [],
    claims: [],
    tickets: [],
    lines: [{ id: 'l1', qty, voided: false }],
  });
  const ledger = new Ledger();
  ledger.lines.set('l1', {
    id: 'l1',
    orderId: 'o1',
    qty: 3,
    uncertain: 1,
    voided: false,
  });
  assert.is(quantityFaults(ledger, ['t1'], [[order(4)]]), null);
  assert.match(quantityFaults(ledger, ['t1'], [[order(2)]]) ?? '', 'qty 2');
  assert.match(
    viewFaults(['t1', 't2'], [[order(3)], [order(4)]]) ?? '',
    'differs on t2',
  );
});

test('an order sold by two tills without the conflict is named', () => {
  const order: OrderLike = {
    id: 'o1',
    status: 'settled',
    lines: [],
    claims: [
      { docNo: 'b-t1-1', device: 't1', credited: null },
      { docNo: 'b-t2-1', device: 't2', credited: null },
    ],
    conflicts: [],
    tickets: [],
  };
  assert.match(unflaggedDoubles(['t1'], [[order]]) ?? '', 'not flagged');
  order.conflicts.push({ kind: 'double-settlement' });
  assert.is(unflaggedDoubles(['t1'], [[order]]), null);
});

test('a ticket below an acknowledged status is named', () => {
  const ledger = new Ledger();
  ledger.sawTicket('k1', 0, 2);
  const order = (status: string, epoch: number): OrderLike => ({
    id: 'o1',
    status: 'open',
    lines: [],
    claims: [],
    conflicts: [],
    tickets: [{ id: 'k1', status, epoch }],
  });
  assert.is(ticketsBackwards(ledger, ['t1'], [[order('served', 0)]]), null);
  assert.is(ticketsBackwards(ledger, ['t1'], [[order('new', 1)]]), null);
  assert.match(
    ticketsBackwards(ledger, ['t1'], [[order('cooking', 0)]]) ?? '',
    'ticket k1',
  );
});

test.run();
