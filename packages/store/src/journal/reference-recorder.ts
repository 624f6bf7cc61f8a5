/**
 * What a segment hands the main thread for the reference book: its
 * credit notes and reprints, to be checked in order, and its documents
 * (sales and credit notes) in a compact form, so that a reference from
 * any later segment or chain finds its original without the book
 * having held every sale.
 */
import type { DocumentBook, DocumentFacts } from './reference-book.ts';

/** A credit note or reprint seen in a segment, for the book. */
export interface RecordedReference {
  entry: DocumentFacts;
  ref: unknown;
  /** Reprints only: the copy number the entry claims. */
  copy?: unknown;
}

/**
 * The documents of a stretch of one chain, in order. In a chain that
 * verified clean the numbers of its documents run 1, 2, 3... in one
 * series, so the n-th document here is known by its place alone.
 */
export interface DocumentList {
  seqs: Float64Array;
  totals: Float64Array;
  /** 1 for a credit note, 0 for a sale. */
  credit: Uint8Array;
}

/** Records documents and references in order; checks none. */
export class ReferenceRecorder implements DocumentBook {
  readonly references: RecordedReference[] = [];
  #seqs: number[] = [];
  #totals: number[] = [];
  #credit: number[] = [];

  addDocument(entry: DocumentFacts): void {
    if (entry.docNo === null) return;
    this.#seqs.push(entry.seq);
    this.#totals.push(entry.total);
    this.#credit.push(entry.kind === 'credit-note' ? 1 : 0);
  }

  addCredit(entry: DocumentFacts, ref: unknown): null {
    this.addDocument(entry);
    this.references.push({ entry: factsOf(entry), ref });
    return null;
  }

  addReprint(entry: DocumentFacts, ref: unknown, copy: unknown): null {
    this.references.push({ entry: factsOf(entry), ref, copy });
    return null;
  }

  documents(): DocumentList {
    return {
      seqs: Float64Array.from(this.#seqs),
      totals: Float64Array.from(this.#totals),
      credit: Uint8Array.from(this.#credit),
    };
  }
}

/** Document lists of consecutive stretches as one. */
export function joinDocuments(lists: DocumentList[]): DocumentList {
  const join = <T extends Float64Array | Uint8Array>(
    make: new (n: number) => T,
    part: (l: DocumentList) => T,
  ): T => {
    const all = new make(lists.reduce((n, l) => n + part(l).length, 0));
    let at = 0;
    for (const l of lists) {
      all.set(part(l), at);
      at += part(l).length;
    }
    return all;
  };
  return {
    seqs: join(Float64Array, (l) => l.seqs),
    totals: join(Float64Array, (l) => l.totals),
    credit: join(Uint8Array, (l) => l.credit),
  };
}

/** Copies the facts only: the entry itself holds its whole payload. */
function factsOf(e: DocumentFacts): DocumentFacts {
  return {
    device: e.device,
    seq: e.seq,
    kind: e.kind,
    total: e.total,
    docNo: e.docNo,
  };
}
