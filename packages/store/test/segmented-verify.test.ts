/**
 * Conformance: the segmented, multi-threaded verifier gives the report
 * of the sequential one on the same folders, clean and broken every way
 * the auditor suites break them; and it never calls a broken store clean.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Anchor,
  DATABASE_FILE,
  formatDocNo,
  type JournalEntry,
  verifyDatabase,
  verifySequentially,
} from '../src/index.ts';
import { ENTRY_COLUMNS } from '../src/journal/rows.ts';
import { chainsOf } from '../src/journal/segment-plan.ts';
import { verifyInSegments } from '../src/journal/segmented-verify.ts';
import { DAY, salePayload, tempDir } from './journal-fixtures.ts';
import { appendForged, tamper } from './tamper.ts';
import {
  type Audited,
  auditedStore,
  openAudit,
  SEGMENT_ENTRIES,
  TAMPERINGS,
  type Tampering,
} from './verify-cases.ts';

const SEGMENTED = {
  workers: 0,
  segmentEntries: SEGMENT_ENTRIES,
  mmapBytes: 0,
  stallMs: 5_000,
};

/** Builds the store, breaks it, and hands the read-only database to `fn`. */
function withCase(
  tampering: Tampering | null,
  fn: (db: ReturnType<typeof openAudit>, anchors: Anchor[], a: Audited) => void,
) {
  const { dir, remove } = tempDir();
  try {
    const audited = auditedStore(dir);
    tampering?.apply(dir, audited);
    const db = openAudit(dir);
    try {
      fn(db, tampering?.anchors?.(audited) ?? [], audited);
    } finally {
      db.close();
    }
  } finally {
    remove();
  }
}

test('a clean store gives the sequential report, summaries and all', () => {
  withCase(null, (db, anchors, audited) => {
    const expected = verifySequentially(db, 'till-1', anchors);
    assert.ok(expected.ok);
    assert.is(expected.devices.length, 2);
    assert.is(expected.devices[0]?.entries, audited.chain.length);
    const segmented = verifyInSegments(
      db,
      chainsOf(db, 'till-1'),
      anchors,
      SEGMENTED,
    );
    assert.equal(segmented, expected);
    const threaded = verifyDatabase(db, 'till-1', anchors, {
      parallelFrom: 0,
      segmentEntries: SEGMENT_ENTRIES,
      workers: 1,
    });
    assert.equal(threaded, expected);
  });
});

for (const tampering of TAMPERINGS) {
  test(`${tampering.name}: the same first fault as the sequential verifier`, () => {
    withCase(tampering, (db, anchors) => {
      const expected = verifySequentially(db, 'till-1', anchors);
      assert.not.ok(expected.ok, 'the tampering breaks the store');

      // The segments see a fault on their own, before any fallback.
      const chains = chainsOf(db, 'till-1');
      assert.is(verifyInSegments(db, chains, anchors, SEGMENTED), null);

      const report = verifyDatabase(db, 'till-1', anchors, {
        parallelFrom: 0,
        segmentEntries: SEGMENT_ENTRIES,
        workers: 1,
      });
      assert.equal(report, expected);
    });
  });
}

test('worker threads find a broken entry in a later segment', () => {
  const broken = TAMPERINGS[2] as Tampering;
  withCase(broken, (db, anchors) => {
    const report = verifyDatabase(db, 'till-1', anchors, {
      parallelFrom: 0,
      segmentEntries: SEGMENT_ENTRIES,
      workers: 2,
    });
    assert.equal(report, verifySequentially(db, 'till-1', anchors));
    assert.is(report.fault?.code, 'hash-mismatch');
  });
});

test('worker threads find a payload not in canonical form in a later segment', () => {
  const respelled = TAMPERINGS.find((t) =>
    t.name.startsWith('a payload with its keys out of order'),
  ) as Tampering;
  withCase(respelled, (db, anchors, audited) => {
    const report = verifyDatabase(db, 'till-1', anchors, {
      parallelFrom: 0,
      segmentEntries: SEGMENT_ENTRIES,
      workers: 2,
    });
    assert.equal(report, verifySequentially(db, 'till-1', anchors));
    const seq = (audited.closings[1] as JournalEntry).seq + 2;
    assert.equal(
      [report.fault?.code, report.fault?.seq],
      ['payload-not-canonical', seq],
    );
  });
});

/** Credit notes and reprints of till-1 against other devices' documents. */
function crossChain(price: number): Tampering {
  return {
    name: `references to other chains (credit at ${price})`,
    apply: (dir, a) => {
      const sale = a.peer[0] as JournalEntry;
      const docs = a.chain.filter((e) => e.docNo !== null).length;
      const refund = salePayload('o-x', price);
      const ts = '2026-01-02T00:00:00.000Z';
      const who = { ts, businessDate: DAY, user: 'manager' };
      const original = { device: 'till-2', seq: sale.seq, docNo: sale.docNo };
      appendForged(dir, {
        ...who,
        kind: 'credit-note',
        docNo: formatDocNo('riyadh', 'till-1', docs + 1),
        payload: { ...refund, original, reason: 'other till' },
        total: refund.total,
        tax: refund.tax,
      });
      const elsewhere = 'riyadh-till-7-000001';
      appendForged(dir, {
        ...who,
        kind: 'reprint',
        docNo: null,
        payload: {
          original: { device: 'till-7', seq: 1, docNo: elsewhere },
          copy: 1,
          mark: 'DUPLICATE',
        },
        total: 0,
        tax: 0,
      });
    },
  };
}

test('references to other chains resolve at the end the same way', () => {
  withCase(crossChain(100), (db, anchors) => {
    const expected = verifySequentially(db, 'till-1', anchors);
    assert.ok(expected.ok, JSON.stringify(expected.fault));
    assert.is(expected.unresolvedReferences, 1);
    const chains = chainsOf(db, 'till-1');
    assert.equal(verifyInSegments(db, chains, anchors, SEGMENTED), expected);
  });
  withCase(crossChain(5000), (db, anchors) => {
    const expected = verifySequentially(db, 'till-1', anchors);
    assert.is(expected.fault?.code, 'credit-exceeds-original');
    const chains = chainsOf(db, 'till-1');
    assert.is(verifyInSegments(db, chains, anchors, SEGMENTED), null);
  });
});

test('finds originals without the database indexes an attacker could edit', () => {
  const dropped: Tampering = {
    name: 'indexes dropped',
    apply: (dir) =>
      tamper(dir, (db) => {
        for (const index of ['journal_doc_no', 'replica_doc_no']) {
          db.exec(`DROP INDEX ${index}`);
        }
      }),
  };
  withCase(dropped, (db, anchors) => {
    const expected = verifySequentially(db, 'till-1', anchors);
    assert.ok(expected.ok);
    const chains = chainsOf(db, 'till-1');
    assert.equal(verifyInSegments(db, chains, anchors, SEGMENTED), expected);
  });
});

test('a payload that is not JSON throws the sequential error either way', () => {
  const unreadable: Tampering = {
    name: 'unreadable payload',
    apply: (dir, a) =>
      tamper(dir, (db) => {
        const seq = (a.closings[2] as JournalEntry).seq + 1;
        db.exec(`UPDATE journal SET payload = '{' WHERE seq = ${seq}`);
      }),
  };
  withCase(unreadable, (db, anchors) => {
    const message = errorOf(() => verifySequentially(db, 'till-1', anchors));
    assert.ok(message, 'the sequential verifier throws');
    for (const workers of [1, 2]) {
      const options = {
        parallelFrom: 0,
        segmentEntries: SEGMENT_ENTRIES,
        workers,
      };
      assert.is(
        errorOf(() => verifyDatabase(db, 'till-1', anchors, options)),
        message,
      );
    }
  });
});

test('a replica row the sequence ranges cannot reach sends verification to the sequential verifier', () => {
  // An attacker who edits the schema (no STRICT, no NOT NULL) can store
  // a replica row with no sequence number; no range of numbers reads it.
  const hidden: Tampering = {
    name: 'replica row without a sequence number',
    apply: (dir) => {
      const db = new Database(join(dir, DATABASE_FILE));
      try {
        db.exec('DROP TRIGGER IF EXISTS replica_extends_chain');
        db.unsafeMode(true);
        db.pragma('writable_schema = ON');
        db.prepare(
          `UPDATE sqlite_master
           SET sql = replace(replace(sql, 'seq INTEGER NOT NULL CHECK (seq >= 1)', 'seq INTEGER'), ') STRICT', ')')
           WHERE name = 'replica_journal'`,
        ).run();
      } finally {
        db.close();
      }
      const edited = new Database(join(dir, DATABASE_FILE));
      try {
        edited.exec(
          `INSERT INTO replica_journal (${ENTRY_COLUMNS})
           SELECT device, NULL, kind, ts, business_date, user, NULL, payload,
                  total, tax, run_sales, run_credits, run_net, prev_hash, hash
           FROM replica_journal ORDER BY seq LIMIT 1`,
        );
      } finally {
        edited.close();
      }
    },
  };
  withCase(hidden, (db, anchors) => {
    const expected = verifySequentially(db, 'till-1', anchors);
    assert.not.ok(expected.ok, 'the sequential verifier reads the row');
    const chains = chainsOf(db, 'till-1');
    assert.is(verifyInSegments(db, chains, anchors, SEGMENTED), null);
    const options = { parallelFrom: 0, segmentEntries: SEGMENT_ENTRIES };
    assert.equal(verifyDatabase(db, 'till-1', anchors, options), expected);
  });
});

function errorOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return String(error);
  }
}

test.run();
