/**
 * Checks the credit notes and reprints that segments recorded, in chain
 * order, through one {@link ReferenceBook}, as the sequential verifier
 * does while it reads. Rather than hand the book every sale, the replay
 * gives it, just before each reference, the document that reference
 * names: the latest document with that number at or before the
 * reference, which is exactly the one the sequential book holds there.
 *
 * Documents are found through the chains' document lists, not the
 * database's indexes, which an attacker could edit apart from the rows:
 * in a chain that verified clean, the document numbered n is its n-th
 * document. So this is sound only for chains that verified clean.
 */
import { parseDocNo } from './doc-number.ts';
import type { ChainFault } from './faults.ts';
import {
  type BookResult,
  type DocumentFacts,
  ReferenceBook,
} from './reference-book.ts';
import type { DocumentList, RecordedReference } from './reference-recorder.ts';

/** A place in the verification order: chain index, then seq. */
type Position = [chain: number, seq: number];

/** A chain that verified clean, with what its segments recorded. */
export interface VerifiedChain {
  device: string;
  /** Its last document number (gives the series), or null. */
  lastDocNo: string | null;
  references: RecordedReference[];
  documents: DocumentList;
}

/**
 * Checks every recorded reference, then what the book leaves open.
 * Returns the first fault, as `ReferenceBook` reports it, or the count
 * of references to chains not held.
 */
export function replayReferences(chains: VerifiedChain[]): BookResult {
  const replay = new Replay(chains);
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
  #series: (string | null)[];
  /** Position of the document the book holds for each number it was given. */
  #added = new Map<string, Position>();

  constructor(chains: VerifiedChain[]) {
    this.#chains = chains;
    this.#series = chains.map((c) =>
      c.lastDocNo ? (parseDocNo(c.lastDocNo)?.series ?? null) : null,
    );
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
    return this.#book.finish(new Set(this.#chains.map((c) => c.device)));
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

  /** The document numbered `docNo` in each chain of its series. */
  *#documents(docNo: string) {
    const parsed = parseDocNo(docNo);
    if (!parsed) return;
    for (const [index, chain] of this.#chains.entries()) {
      if (this.#series[index] !== parsed.series) continue;
      const n = parsed.counter - 1;
      const { seqs, totals, credit } = chain.documents;
      if (n >= seqs.length) continue;
      const seq = seqs[n] as number;
      const doc: DocumentFacts = {
        device: chain.device,
        seq,
        kind: credit[n] ? 'credit-note' : 'sale',
        total: totals[n] as number,
        docNo,
      };
      yield { doc, at: [index, seq] as Position };
    }
  }
}

/** `a` at or before `b`. */
function before(a: Position, b: Position): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
}
