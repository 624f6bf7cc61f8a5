/**
 * A store worth verifying in segments, and the ways an attacker breaks
 * it: shared by the suites that hold the segmented verifier to the
 * sequential one.
 */

import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DATABASE_FILE,
  formatDocNo,
  type JournalEntry,
  Store,
  sealEntry,
} from '../src/index.ts';
import {
  ENTRY_COLUMNS,
  ENTRY_PLACEHOLDERS,
  entryToRow,
} from '../src/journal/rows.ts';
import {
  DAY,
  openStore,
  salePayload,
  settleMany,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';
import {
  appendForged,
  draftOf,
  readChain,
  respellPayload,
  rewriteFrom,
  tamper,
} from './tamper.ts';

/** Days in {@link auditedStore}; each ends with a Z closing. */
export const DAYS = 4;

/** Entries per segment that cut {@link auditedStore} at every closing. */
export const SEGMENT_ENTRIES = 4;

export interface Audited {
  chain: JournalEntry[];
  /** The Z closings of the own chain, in order. */
  closings: JournalEntry[];
  /** The peer's chain held as a replica. */
  peer: JournalEntry[];
}

/**
 * Four business days of till-1, each with sales, a credit note and a
 * reprint against day one's sales (so references cross segments), a
 * drawer open, a training sale and the Z closing; two sales after the
 * last closing. till-2's chain is held as a replica, with a credit note
 * against a till-1 sale.
 */
export function auditedStore(dir: string): Audited {
  const clock = new TestClock();
  const store = openStore(dir, clock);
  const who = { user: 'manager', businessDate: DAY };
  try {
    const first = settleMany(store, clock, 3);
    const [credited, reprinted] = first.map((e) => e.docNo ?? '');
    for (let day = 0; day < DAYS; day++) {
      if (day > 0) settleMany(store, clock, 3, 10 * day);
      if (day > 0) {
        store.creditNote({
          ...who,
          original: credited ?? '',
          reason: 'refund',
          invoice: salePayload(`o-c${day}`, 100),
        });
      }
      store.reprint({ ...who, docNo: reprinted ?? '' });
      store.record({ ...who, kind: 'drawer-open', reason: 'x', amount: 0 });
      store.settle({
        ...who,
        invoice: salePayload(`o-t${day}`),
        training: true,
      });
      store.closeDay(who);
    }
    settleMany(store, clock, 2, 100);
    store.acceptReplicas(peerChain(first[2] as JournalEntry));
    const chain = store.journal.entriesAfter(0, 1000);
    return {
      chain,
      closings: chain.filter((e) => e.kind === 'z-closing'),
      peer: store.entriesAfter('till-2', 0, 1000),
    };
  } finally {
    store.close();
  }
}

/** till-2: two sales, then a credit note against till-1's `original`. */
function peerChain(original: JournalEntry): JournalEntry[] {
  const { dir, remove } = tempDir();
  try {
    const clock = new TestClock();
    const peer = Store.open({
      dir,
      device: 'till-2',
      branch: 'riyadh',
      clock: clock.now,
    });
    const sales = settleMany(peer, clock, 2);
    peer.close();
    const refund = salePayload('o-p', 100);
    const credit = sealEntry(sales.at(-1) as JournalEntry, {
      device: 'till-2',
      kind: 'credit-note',
      ts: '2026-01-01T14:00:00.000Z',
      businessDate: DAY,
      user: 'manager',
      docNo: formatDocNo('riyadh', 'till-2', 3),
      payload: {
        ...refund,
        original: {
          device: 'till-1',
          seq: original.seq,
          docNo: original.docNo ?? '',
        },
        reason: 'refund at the other till',
      },
      total: refund.total,
      tax: refund.tax,
    }).entry;
    return [...sales, credit];
  } finally {
    remove();
  }
}

/** One way to break the store, applied to its folder. */
export interface Tampering {
  name: string;
  apply(dir: string, audited: Audited): void;
  /** Anchors the auditor brings. */
  anchors?(audited: Audited): { device: string; seq: number; hash: string }[];
}

const zAt = (a: Audited, n: number) => a.closings[n] as JournalEntry;

/** Every tampering the conformance suite runs; each breaks a later segment. */
export const TAMPERINGS: Tampering[] = [
  {
    name: 'a deleted row in the second segment',
    apply: (dir, a) => deleteRow(dir, zAt(a, 0).seq + 2),
  },
  {
    name: 'the first row of a segment deleted (a gap at the seam)',
    apply: (dir, a) => deleteRow(dir, zAt(a, 1).seq + 1),
  },
  {
    name: 'an edited total in the third segment',
    apply: (dir, a) =>
      tamper(dir, (db) =>
        db.exec(
          `UPDATE journal SET total = 1 WHERE seq = ${zAt(a, 1).seq + 2}`,
        ),
      ),
  },
  {
    name: 'a Z closing sealed again, so the next segment no longer links to it',
    apply: (dir, a) => resealOne(dir, zAt(a, 1).seq, 'manager-2'),
  },
  {
    name: 'a rewritten tail against the printed Z report',
    apply: (dir, a) =>
      rewriteFrom(dir, zAt(a, 1).seq + 1, (d) =>
        d.kind === 'sale' ? { ...d, user: 'someone' } : d,
      ),
    anchors: (a) => [
      { device: 'till-1', seq: zAt(a, 2).seq, hash: zAt(a, 2).hash },
    ],
  },
  {
    name: 'a tail cut after the acknowledged entry',
    apply: (dir, a) => cutFrom(dir, (a.chain.at(-1) as JournalEntry).seq),
    anchors: (a) => [
      {
        device: 'till-1',
        seq: (a.chain.at(-1) as JournalEntry).seq,
        hash: (a.chain.at(-1) as JournalEntry).hash,
      },
    ],
  },
  {
    name: 'two rows swapped across a seam',
    apply: (dir, a) => swapRows(dir, zAt(a, 0).seq, zAt(a, 0).seq + 1),
  },
  {
    name: 'a skipped document number with fresh hashes',
    apply: (dir, a) =>
      rewriteFrom(dir, zAt(a, 1).seq + 1, (d) =>
        d.docNo
          ? {
              ...d,
              docNo: formatDocNo(
                'riyadh',
                'till-1',
                Number(d.docNo.slice(-6)) + 1,
              ),
            }
          : d,
      ),
  },
  {
    name: 'a backdated entry with fresh hashes',
    apply: (dir, a) =>
      rewriteFrom(dir, zAt(a, 2).seq + 2, (d) => ({
        ...d,
        ts: '2025-12-31T00:00:00.000Z',
      })),
  },
  {
    name: 'a Z closing that under-counts its sales, with a fresh hash',
    apply: (dir, a) => {
      const z = zAt(a, 2);
      cutFrom(dir, z.seq);
      appendForged(dir, {
        ...draftOf(z),
        payload: {
          ...z.payload,
          sums: { ...(z.payload.sums as object), sale: 1 },
        },
      });
    },
  },
  {
    name: 'a forged credit note that exceeds what earlier segments left',
    apply: (dir, a) => {
      const sale = a.chain[0] as JournalEntry;
      const refund = salePayload('o-f', 500);
      appendForged(dir, creditDraft(a, sale, refund, 'forged'));
    },
  },
  {
    name: 'a forged credit note against no document',
    apply: (dir, a) => {
      const refund = salePayload('o-f', 100);
      appendForged(
        dir,
        creditDraft(
          a,
          { ...(a.chain[0] as JournalEntry), docNo: 'riyadh-till-1-000999' },
          refund,
          'forged',
        ),
      );
    },
  },
  {
    name: 'a hidden reprint claiming an earlier copy number',
    apply: (dir, a) => {
      const reprint = a.chain
        .filter((e) => e.kind === 'reprint')
        .at(-1) as JournalEntry;
      appendForged(dir, {
        ...draftOf(reprint),
        ts: '2026-01-02T00:00:00.000Z',
      });
    },
  },
  {
    name: 'a payload with its keys out of order, hashed honestly and linked again',
    apply: (dir, a) =>
      respellPayload(dir, zAt(a, 1).seq + 2, (text) =>
        JSON.stringify(
          Object.fromEntries(Object.entries(JSON.parse(text)).reverse()),
        ),
      ),
  },
  {
    name: 'a row below seq 1, written with the CHECK constraints off',
    apply: (dir) =>
      tamper(dir, (db) => {
        db.pragma('ignore_check_constraints = ON');
        db.exec(
          `INSERT INTO journal (${ENTRY_COLUMNS}) SELECT ${ENTRY_COLUMNS.replace('seq,', '0,').replace('doc_no', 'NULL')} FROM journal WHERE seq = 1`,
        );
      }),
  },
  {
    name: 'an edited replica entry',
    apply: (dir) =>
      tamper(dir, (db) => {
        db.exec('DROP TRIGGER IF EXISTS replica_journal_no_update');
        db.exec(
          "UPDATE replica_journal SET total = 1 WHERE device = 'till-2' AND seq = 1",
        );
      }),
  },
  {
    name: 'an anchor of a device whose chain is not held',
    apply: () => {},
    anchors: () => [{ device: 'till-9', seq: 1, hash: 'a'.repeat(64) }],
  },
];

function creditDraft(
  a: Audited,
  original: JournalEntry,
  refund: ReturnType<typeof salePayload>,
  reason: string,
) {
  const docs = a.chain.filter((e) => e.docNo !== null).length;
  return {
    kind: 'credit-note' as const,
    ts: '2026-01-02T00:00:00.000Z',
    businessDate: DAY,
    user: 'manager',
    docNo: formatDocNo('riyadh', 'till-1', docs + 1),
    payload: {
      ...refund,
      original: {
        device: 'till-1',
        seq: original.seq,
        docNo: original.docNo ?? '',
      },
      reason,
    },
    total: refund.total,
    tax: refund.tax,
  };
}

function deleteRow(dir: string, seq: number): void {
  tamper(dir, (db) => db.prepare('DELETE FROM journal WHERE seq = ?').run(seq));
}

function cutFrom(dir: string, fromSeq: number): void {
  tamper(dir, (db) =>
    db.prepare('DELETE FROM journal WHERE seq >= ?').run(fromSeq),
  );
}

function swapRows(dir: string, a: number, b: number): void {
  tamper(dir, (db) => {
    db.exec(`UPDATE journal SET seq = seq + 100000 WHERE seq IN (${a}, ${b})`);
    db.exec(`UPDATE journal SET seq = ${a} WHERE seq = ${b + 100000}`);
    db.exec(`UPDATE journal SET seq = ${b} WHERE seq = ${a + 100000}`);
  });
}

/** Seals entry `seq` again with another user; later rows stay as they were. */
function resealOne(dir: string, seq: number, user: string): void {
  tamper(dir, (db) => {
    const chain = readChain(db);
    const prev = chain.find((e) => e.seq === seq - 1) ?? null;
    const old = chain.find((e) => e.seq === seq) as JournalEntry;
    const sealed = sealEntry(prev, { ...draftOf(old), user });
    db.prepare('DELETE FROM journal WHERE seq = ?').run(seq);
    db.prepare(
      `INSERT INTO journal (${ENTRY_COLUMNS}) VALUES (${ENTRY_PLACEHOLDERS})`,
    ).run(...entryToRow(sealed.entry, sealed.payloadText));
  });
}

/** Opens the folder's database read-only, as the auditor's command does. */
export function openAudit(dir: string): Database.Database {
  return new Database(join(dir, DATABASE_FILE), { readonly: true });
}
