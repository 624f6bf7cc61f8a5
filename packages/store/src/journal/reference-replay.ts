/**
 * Checks the credit notes and reprints that segments recorded, in chain
 * order, through one {@link ReferenceBook}, as the sequential verifier
 * does while it reads. The book holds documents; rather than hand it
 * every sale of every segment, the replay adds to it, just before each
 * reference, the document that reference names, read from the
 * database: the latest entry with that number at or before the
 * reference, which is exactly the one the sequential book would hold
 * there. This is sound only for chains that verified clean.
 */
import type { Database } from 'better-sqlite3';
import type { ChainFault } from './faults.ts';
import {
  type BookResult,
  type DocumentFacts,
  ReferenceBook,
} from './reference-book.ts';
import type { RecordedReference } from './segment.ts';
import type { ChainToVerify } from './segment-plan.ts';

/** A place in the verification order: chain index, then seq. */
type Position = [chain: number, seq: number];

/** A chain that verified clean, with the references it recorded. */
export interface VerifiedChain extends ChainToVerify {
  references: RecordedReference[];
}

/**
 * Checks every recorded reference, then what the book leaves open.
 * Returns the first fault, as `ReferenceBook` reports it, or the count
 * of references to chains not held.
 */
export function replayReferences(
  db: Database,
  chains: VerifiedChain[],
): BookResult {
  const replay = new Replay(db, chains);
  for (const [index, chain] of chains.entries()) {
    for (const recorded of chain.references) {
      const found = replay.check(index, recorded);
      if (found) return { fault: found, unresolved: 0 };
    }
  }
  return replay.finish();
}

class Replay {
  #book = new ReferenceBook();
  #chains: VerifiedChain[];
  #held: Set<string>;
  /** Chain index of each replica device. */
  #replicaIndex = new Map<string, number>();
  /** Position of the document the book holds for each number it was given. */
  #added = new Map<string, Position>();
  #own: (docNo: string) => unknown[];
  #replicas: (docNo: string) => unknown[];

  constructor(db: Database, chains: VerifiedChain[]) {
    this.#chains = chains;
    this.#held = new Set(chains.map((c) => c.device));
    for (const [i, c] of chains.entries()) {
      if (c.replica) this.#replicaIndex.set(c.device, i);
    }
    const own = db.prepare(
      'SELECT device, seq, kind, total, doc_no AS docNo FROM journal WHERE doc_no = ?',
    );
    const replicas = db.prepare(
      'SELECT device, seq, kind, total, doc_no AS docNo FROM replica_journal WHERE doc_no = ?',
    );
    this.#own = (docNo) => own.all(docNo);
    this.#replicas = (docNo) => replicas.all(docNo);
  }

  check(chain: number, { entry, ref, copy }: RecordedReference) {
    const at: Position = [chain, entry.seq];
    this.#ensure(ref, at);
    let found: ChainFault | null;
    if (entry.kind === 'credit-note') {
      found = this.#book.addCredit(entry, ref);
      if (entry.docNo !== null) this.#added.set(entry.docNo, at);
    } else {
      found = this.#book.addReprint(entry, ref, copy);
    }
    return found && { ...found, device: entry.device };
  }

  finish(): BookResult {
    const end: Position = [this.#chains.length, 0];
    for (const chain of this.#chains) {
      for (const { ref } of chain.references) this.#ensure(ref, end);
    }
    return this.#book.finish(this.#held);
  }

  /** Gives the book the document `ref` names as it stood at `at`. */
  #ensure(ref: unknown, at: Position): void {
    const docNo = (ref as { docNo?: unknown } | null)?.docNo;
    if (typeof docNo !== 'string') return;
    let latest: { doc: DocumentFacts; at: Position } | null = null;
    for (const candidate of this.#documents(docNo)) {
      if (!before(candidate.at, at)) continue;
      if (!latest || before(latest.at, candidate.at)) latest = candidate;
    }
    const added = this.#added.get(docNo);
    if (!latest || (added && before(latest.at, added))) return;
    this.#book.addDocument(latest.doc);
    this.#added.set(docNo, latest.at);
  }

  /** Every held entry numbered `docNo` within the verified chains. */
  *#documents(docNo: string) {
    for (const doc of this.#own(docNo) as DocumentFacts[]) {
      if (doc.seq > (this.#chains[0] as VerifiedChain).lastSeq) continue;
      yield { doc, at: [0, doc.seq] as Position };
    }
    for (const doc of this.#replicas(docNo) as DocumentFacts[]) {
      const index = this.#replicaIndex.get(doc.device);
      if (index === undefined) continue;
      if (doc.seq > (this.#chains[index] as VerifiedChain).lastSeq) continue;
      yield { doc, at: [index, doc.seq] as Position };
    }
  }
}

/** `a` at or before `b`. */
function before(a: Position, b: Position): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
}
