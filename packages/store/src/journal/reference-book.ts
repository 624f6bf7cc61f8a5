/**
 * Credit notes and reprints refer to an earlier document, possibly of
 * another device. The book remembers every document seen while chains
 * are verified and checks each reference: the original exists, is the
 * document the reference says, and credit notes never exceed it.
 */
import type { JournalEntry } from './entry.ts';
import { type ChainFault, fault } from './faults.ts';
import type { EntryRef } from './payloads.ts';

interface DocRecord {
  device: string;
  seq: number;
  kind: string;
  total: number;
  /** Sum of credit notes against it so far. */
  credited: number;
}

/** What the book needs of an entry: a document's or a reference's facts. */
export type DocumentFacts = Pick<
  JournalEntry,
  'device' | 'seq' | 'kind' | 'total' | 'docNo'
>;

/**
 * Where a chain verifier hands documents and references: the
 * {@link ReferenceBook} checks them at once; a segment verified on a
 * worker thread records them for the book on the main thread.
 */
export interface DocumentBook {
  addDocument(entry: DocumentFacts): void;
  addCredit(entry: DocumentFacts, ref: unknown): ChainFault | null;
  addReprint(
    entry: DocumentFacts,
    ref: unknown,
    copy: unknown,
  ): ChainFault | null;
}

interface PendingRef {
  entry: DocumentFacts;
  ref: EntryRef;
}

/** What the book could not check because the original's chain is not held. */
export interface BookResult {
  fault: ChainFault | null;
  /** References to documents of devices whose chain was not verified. */
  unresolved: number;
}

/** Documents and references across every verified chain. */
export class ReferenceBook implements DocumentBook {
  #docs = new Map<string, DocRecord>();
  #reprints = new Map<string, number>();
  #pending: PendingRef[] = [];

  /** Remembers a sale, training sale or credit note. */
  addDocument(entry: DocumentFacts): void {
    if (entry.docNo === null) return;
    this.#docs.set(entry.docNo, {
      device: entry.device,
      seq: entry.seq,
      kind: entry.kind,
      total: entry.total,
      credited: 0,
    });
  }

  /** Checks a credit note against its original (now or in `finish`). */
  addCredit(entry: DocumentFacts, ref: unknown): ChainFault | null {
    this.addDocument(entry);
    if (!isRef(ref)) {
      return fault(
        'payload-mismatch',
        entry.seq,
        'credit note without original',
      );
    }
    return this.#resolve(entry, ref, false);
  }

  /** Checks a reprint's copy number and its original. */
  addReprint(
    entry: DocumentFacts,
    ref: unknown,
    copy: unknown,
  ): ChainFault | null {
    if (!isRef(ref)) {
      return fault('payload-mismatch', entry.seq, 'reprint without original');
    }
    const key = `${entry.device}\u0000${ref.docNo}`;
    const expected = (this.#reprints.get(key) ?? 0) + 1;
    if (copy !== expected) {
      return fault(
        'reprint-count',
        entry.seq,
        `reprint of ${ref.docNo} is copy ${String(copy)}, expected ${expected}`,
      );
    }
    this.#reprints.set(key, expected);
    return this.#resolve(entry, ref, false);
  }

  /**
   * Checks the references left open; `held` lists the devices whose
   * chains were verified, so a missing original on them is a fault.
   */
  finish(held: ReadonlySet<string>): BookResult {
    let unresolved = 0;
    for (const { entry, ref } of this.#pending) {
      if (!this.#docs.has(ref.docNo) && !held.has(ref.device)) {
        unresolved++;
        continue;
      }
      const problem = this.#resolve(entry, ref, true);
      if (problem)
        return { fault: { ...problem, device: entry.device }, unresolved };
    }
    this.#pending = [];
    return { fault: null, unresolved };
  }

  #resolve(
    entry: DocumentFacts,
    ref: EntryRef,
    final: boolean,
  ): ChainFault | null {
    const doc = this.#docs.get(ref.docNo);
    if (!doc) {
      if (final || ref.device === entry.device) {
        return fault(
          'missing-original',
          entry.seq,
          `${ref.docNo} does not exist`,
        );
      }
      this.#pending.push({ entry, ref });
      return null;
    }
    const isDocument = doc.kind === 'sale' || doc.kind === 'credit-note';
    const wanted =
      entry.kind === 'credit-note' ? doc.kind === 'sale' : isDocument;
    if (!wanted || doc.device !== ref.device || doc.seq !== ref.seq) {
      return fault(
        'missing-original',
        entry.seq,
        `${ref.docNo} is not ${ref.device}'s entry ${ref.seq} of a valid kind`,
      );
    }
    if (entry.kind !== 'credit-note') return null;
    if (doc.credited + entry.total > doc.total) {
      return fault(
        'credit-exceeds-original',
        entry.seq,
        `credit of ${entry.total} exceeds the ${doc.total - doc.credited} left of ${ref.docNo}`,
      );
    }
    doc.credited += entry.total;
    return null;
  }
}

function isRef(ref: unknown): ref is EntryRef {
  const r = ref as EntryRef | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.device === 'string' &&
    Number.isSafeInteger(r.seq) &&
    typeof r.docNo === 'string'
  );
}
