import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JournalEntry } from '../src/index.ts';
import { verifySegment } from '../src/journal/segment.ts';
import {
  chainsOf,
  guidedSize,
  planSegments,
} from '../src/journal/segment-plan.ts';
import { runSegments } from '../src/journal/segment-pool.ts';
import { tempDir } from './journal-fixtures.ts';
import {
  type Audited,
  auditedStore,
  openAudit,
  SEGMENT_ENTRIES,
  TAMPERINGS,
  type Tampering,
} from './verify-cases.ts';

function plan(dir: string) {
  const db = openAudit(dir);
  const tasks = planSegments(db, chainsOf(db, 'till-1'), SEGMENT_ENTRIES, []);
  return { db, tasks };
}

function broken(name: string): Tampering {
  const found = TAMPERINGS.find((t) => t.name.startsWith(name));
  if (!found) throw new Error(`no tampering ${name}`);
  return found;
}

function withStore(fn: (dir: string, audited: Audited) => void) {
  const { dir, remove } = tempDir();
  try {
    fn(dir, auditedStore(dir));
  } finally {
    remove();
  }
}

test('cuts each chain right after Z closings and covers every entry', () => {
  withStore((dir, audited) => {
    const { db, tasks } = plan(dir);
    db.close();
    const own = tasks.filter((t) => !t.replica);
    const zSeqs = new Set(audited.closings.map((z) => z.seq));
    assert.is(own[0]?.after, Number.NEGATIVE_INFINITY, 'no lower bound');
    for (let i = 1; i < own.length; i++) {
      assert.is(own[i]?.after, own[i - 1]?.to);
      assert.ok(zSeqs.has(own[i]?.after ?? 0), 'starts after a Z');
    }
    assert.is(own.at(-1)?.to, (audited.chain.at(-1) as JournalEntry).seq);
    assert.ok(own.length >= 4);
    assert.equal(
      tasks.filter((t) => t.replica).map((t) => [t.device, t.after, t.to]),
      [['till-2', Number.NEGATIVE_INFINITY, audited.peer.length]],
    );
  });
});

test('guided sizing makes segments shrink towards the end', () => {
  const take = guidedSize(2, 1_000);
  assert.is(take(100_000), 25_000);
  assert.is(take(8_000), 2_000);
  assert.is(take(3_000), 1_000);
  withStore((dir, audited) => {
    const db = openAudit(dir);
    const tasks = planSegments(
      db,
      chainsOf(db, 'till-1'),
      guidedSize(2, 2),
      [],
    );
    db.close();
    const own = tasks
      .filter((t) => !t.replica)
      .map((t) => t.to - Math.max(t.after, 0));
    assert.ok((own[0] ?? 0) > (own.at(-1) ?? 0), own.join(' '));
    assert.is(
      own.reduce((n, k) => n + k, 0),
      audited.chain.length,
    );
  });
});

test('every segment of a clean chain verifies on its own', () => {
  withStore((dir) => {
    const { db, tasks } = plan(dir);
    try {
      for (const task of tasks) assert.is(verifySegment(db, task).fault, null);
    } finally {
      db.close();
    }
  });
});

test('a broken entry in the second segment is reported by that segment', () => {
  withStore((dir, audited) => {
    broken('a deleted row in the second segment').apply(dir, audited);
    const { db, tasks } = plan(dir);
    try {
      const [first, second] = tasks.map((t) => verifySegment(db, t));
      const z = audited.closings[0] as JournalEntry;
      assert.is(first?.fault, null);
      assert.equal(
        [second?.fault?.code, second?.fault?.seq],
        ['seq-gap', z.seq + 3],
      );
    } finally {
      db.close();
    }
  });
});

test('a seam break is found at the first entry after the seam', () => {
  withStore((dir, audited) => {
    broken('a Z closing sealed again').apply(dir, audited);
    const { db, tasks } = plan(dir);
    try {
      const z = audited.closings[1] as JournalEntry;
      const before = tasks.findIndex((t) => t.to === z.seq);
      const after = tasks[before + 1];
      assert.ok(after && after.after === z.seq);
      assert.is(verifySegment(db, tasks[before] as never).fault, null);
      const found = verifySegment(db, after).fault;
      assert.equal([found?.code, found?.seq], ['broken-link', z.seq + 1]);
    } finally {
      db.close();
    }
  });
});

test('records credit notes and reprints instead of checking them', () => {
  withStore((dir, audited) => {
    const { db, tasks } = plan(dir);
    try {
      const recorded = tasks.flatMap((t) => verifySegment(db, t).references);
      const expected = [...audited.chain, ...audited.peer].filter(
        (e) => e.kind === 'credit-note' || e.kind === 'reprint',
      );
      assert.equal(
        recorded.map((r) => [r.entry.device, r.entry.seq]),
        expected.map((e) => [e.device, e.seq]),
      );
    } finally {
      db.close();
    }
  });
});

test('lists the documents of each segment in order', () => {
  withStore((dir, audited) => {
    const { db, tasks } = plan(dir);
    try {
      const own = tasks.filter((t) => !t.replica);
      const listed = own.flatMap((t) => [
        ...verifySegment(db, t).documents.seqs,
      ]);
      const documents = audited.chain.filter((e) => e.docNo !== null);
      assert.equal(
        listed,
        documents.map((e) => e.seq),
      );
    } finally {
      db.close();
    }
  });
});

test('worker threads give every segment the calling thread would', () => {
  withStore((dir) => {
    const { db, tasks } = plan(dir);
    try {
      const options = { workers: 2, mmapBytes: 0, stallMs: 60_000 };
      const run = runSegments(db, tasks, { ...options, callerTakes: false });
      assert.not.ok(run.faulty);
      assert.equal(
        run.results,
        tasks.map((t) => verifySegment(db, t)),
      );
    } finally {
      db.close();
    }
  });
});

test('worker threads verify segments as the calling thread does', () => {
  withStore((dir, audited) => {
    broken('a deleted row in the second segment').apply(dir, audited);
    const { db, tasks } = plan(dir);
    try {
      const options = { workers: 2, mmapBytes: 0, stallMs: 60_000 };
      const { results, faulty } = runSegments(db, tasks, {
        ...options,
        callerTakes: false,
      });
      assert.ok(faulty);
      const second = results[1]?.fault;
      assert.equal(
        [second?.code, second?.seq],
        ['seq-gap', (audited.closings[0] as JournalEntry).seq + 3],
      );
      assert.equal(results[1], verifySegment(db, tasks[1] as never));
    } finally {
      db.close();
    }
  });
});

test.run();
