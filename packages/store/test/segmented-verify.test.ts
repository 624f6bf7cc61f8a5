/**
 * Conformance: the segmented, multi-threaded verifier gives the report
 * of the sequential one on the same folders, clean and broken every way
 * the auditor suites break them; and it never calls a broken store clean.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Anchor,
  verifyDatabase,
  verifySequentially,
} from '../src/index.ts';
import { chainsOf } from '../src/journal/segment-plan.ts';
import { verifyInSegments } from '../src/journal/segmented-verify.ts';
import { tempDir } from './journal-fixtures.ts';
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
        workers: 0,
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

test.run();
