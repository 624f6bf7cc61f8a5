/**
 * Whole-chain verification: `checkNext` for every pair of neighbours,
 * plus what only the whole chain shows: document numbers across entries
 * without one, Z closings against the entries they cover, credit notes
 * and reprints against their originals, and anchors (hashes the relay
 * acknowledged or a printed Z report shows) against the chain.
 */
import { checkNext } from './check.ts';
import { ClosingTallyBuilder, tallyDifference } from './closing-tally.ts';
import { parseDocNo } from './doc-number.ts';
import type { JournalEntry, RunningTotals } from './entry.ts';
import { type ChainFault, fault } from './faults.ts';
import { GENESIS_HASH } from './hash.ts';
import type { EntryRef } from './payloads.ts';
import { type DocumentBook, ReferenceBook } from './reference-book.ts';
import { ZERO_TOTALS } from './running.ts';

/** A hash known from outside the chain: `device`'s entry `seq` had `hash`. */
export interface Anchor {
  device: string;
  seq: number;
  hash: string;
}

/**
 * Where a verifier starts when it takes a chain up in the middle, right
 * after a Z closing: the entry before, the last document number and the
 * number of Z closings so far. Read from entries already verified, it is
 * the state the verifier had there.
 */
export interface ChainStart {
  prev: JournalEntry;
  lastDocNo: string | null;
  zClosings: number;
}

/** Options of {@link ChainVerifier}. */
export interface ChainVerifierOptions {
  /** Checks credit notes and reprints; default: a book of its own. */
  book?: DocumentBook;
  anchors?: Anchor[];
  /** Default (or undefined): the chain's start (seq 1). */
  start?: ChainStart | undefined;
}

/** What a verified chain holds. */
export interface ChainSummary {
  device: string;
  entries: number;
  lastSeq: number;
  lastHash: string;
  /** Perpetual totals at the last entry, in minor units. */
  perpetual: RunningTotals;
  lastDocNo: string | null;
  zClosings: number;
}

/**
 * Verifies one device's chain entry by entry, from seq 1.
 *
 * @example
 * const book = new ReferenceBook();
 * const v = new ChainVerifier('till-1', { book });
 * for (const e of entries) if (v.push(e)) break;
 * const problem = v.fault ?? v.finish();
 */
export class ChainVerifier {
  readonly device: string;
  #book: DocumentBook;
  #anchors: Map<number, string>;
  #prev: JournalEntry | null = null;
  #entries = 0;
  #lastDoc: { series: string; counter: number; docNo: string } | null = null;
  #tally = new ClosingTallyBuilder();
  #zNo = 0;
  #fault: ChainFault | null = null;

  constructor(device: string, options: ChainVerifierOptions = {}) {
    this.device = device;
    this.#book = options.book ?? new ReferenceBook();
    this.#anchors = new Map(
      (options.anchors ?? [])
        .filter((a) => a.device === device)
        .map((a) => [a.seq, a.hash]),
    );
    if (options.start) this.#resume(options.start);
  }

  /** The first fault found, or null. */
  get fault(): ChainFault | null {
    return this.#fault;
  }

  /**
   * Checks the next entry; returns its fault (and keeps it) or null.
   * `payloadText` is the payload's text as stored, if the caller has
   * it: the hash is checked over it, and it must be canonical
   * (`textChecked`: the caller has already found it so).
   */
  push(
    entry: JournalEntry,
    payloadText?: string,
    textChecked = false,
  ): ChainFault | null {
    if (this.#fault) return this.#fault;
    const options =
      payloadText === undefined
        ? {}
        : { payloadText, checkPayloadText: !textChecked };
    const found =
      (entry.device === this.device
        ? checkNext(this.#prev, entry, options)
        : fault('device-mismatch', entry.seq, `entry of ${entry.device}`)) ??
      this.#checkDocSeries(entry) ??
      this.#checkAnchor(entry) ??
      this.#checkKind(entry);
    if (found) {
      this.#fault = { ...found, device: this.device };
      return this.#fault;
    }
    this.#prev = entry;
    this.#entries++;
    return null;
  }

  /** Checks what needs the chain's end: anchors beyond the last entry. */
  finish(): ChainFault | null {
    if (this.#fault) return this.#fault;
    this.#fault = anchorBeyond(this.#anchors.keys(), this.summary());
    return this.#fault;
  }

  summary(): ChainSummary {
    return {
      device: this.device,
      entries: this.#entries,
      lastSeq: this.#prev?.seq ?? 0,
      lastHash: this.#prev?.hash ?? GENESIS_HASH,
      perpetual: { ...(this.#prev?.running ?? ZERO_TOTALS) },
      lastDocNo: this.#lastDoc?.docNo ?? null,
      zClosings: this.#zNo,
    };
  }

  #resume(start: ChainStart): void {
    this.#prev = start.prev;
    const doc = start.lastDocNo ? parseDocNo(start.lastDocNo) : null;
    this.#lastDoc = doc && { ...doc, docNo: start.lastDocNo as string };
    this.#zNo = start.zClosings;
    this.#tally.reset(start.prev.seq + 1);
  }

  #checkDocSeries(entry: JournalEntry): ChainFault | null {
    if (entry.docNo === null) return null;
    const doc = parseDocNo(entry.docNo);
    if (!doc) return null;
    const last = this.#lastDoc;
    const expected = last ? last.counter + 1 : 1;
    if (last && last.series !== doc.series) {
      return fault(
        'doc-number',
        entry.seq,
        `${entry.docNo} leaves series ${last.series}`,
      );
    }
    if (doc.counter !== expected) {
      const after = last ? `after ${last.docNo}` : 'as the first document';
      return fault(
        'doc-number',
        entry.seq,
        `${entry.docNo} ${after}: expected counter ${expected}`,
      );
    }
    this.#lastDoc = {
      series: doc.series,
      counter: doc.counter,
      docNo: entry.docNo,
    };
    return null;
  }

  #checkAnchor(entry: JournalEntry): ChainFault | null {
    const expected = this.#anchors.get(entry.seq);
    if (expected === undefined || expected === entry.hash) return null;
    return fault(
      'anchor-mismatch',
      entry.seq,
      `hash ${entry.hash.slice(0, 12)}… differs from the acknowledged ${expected.slice(0, 12)}… (rewritten chain)`,
    );
  }

  #checkKind(entry: JournalEntry): ChainFault | null {
    switch (entry.kind) {
      case 'z-closing':
        return this.#checkClosing(entry);
      case 'credit-note': {
        this.#tally.add(entry);
        const ref = entry.payload.original as EntryRef | undefined;
        return this.#book.addCredit(entry, ref);
      }
      case 'reprint': {
        this.#tally.add(entry);
        const ref = entry.payload.original as EntryRef | undefined;
        return this.#book.addReprint(entry, ref, entry.payload.copy);
      }
      default:
        this.#tally.add(entry);
        if (entry.docNo !== null) this.#book.addDocument(entry);
        return null;
    }
  }

  #checkClosing(entry: JournalEntry): ChainFault | null {
    const p = entry.payload;
    const fromSeq = this.#tally.fromSeq;
    if (p.zNo !== this.#zNo + 1) {
      return fault(
        'z-closing',
        entry.seq,
        `Z number ${String(p.zNo)}, expected ${this.#zNo + 1}`,
      );
    }
    if (p.fromSeq !== fromSeq) {
      return fault(
        'z-closing',
        entry.seq,
        `Z ${this.#zNo + 1} starts at ${String(p.fromSeq)}, expected ${fromSeq}`,
      );
    }
    const differs = tallyDifference(p, this.#tally.result());
    if (differs) {
      return fault(
        'z-closing',
        entry.seq,
        `Z ${this.#zNo + 1}: ${differs} differ from the entries it covers`,
      );
    }
    this.#zNo++;
    this.#tally.reset(entry.seq + 1);
    return null;
  }
}

/**
 * The first anchor of `chain.device` past the chain's last entry: the
 * chain was cut short there (a deleted tail or a restored backup).
 */
export function anchorBeyond(
  seqs: Iterable<number>,
  chain: Pick<ChainSummary, 'device' | 'lastSeq'>,
): ChainFault | null {
  const last = chain.lastSeq;
  const seq = [...seqs].sort((a, b) => a - b).find((s) => s > last);
  if (seq === undefined) return null;
  return {
    ...fault(
      'truncated',
      seq,
      `the chain ends at seq ${last} but seq ${seq} was acknowledged (deleted tail or restored backup)`,
    ),
    device: chain.device,
  };
}

/** Parses anchors written `device:seq:hash`. */
export function parseAnchor(text: string): Anchor | null {
  const match = /^(.+):(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) return null;
  return {
    device: match[1] ?? '',
    seq: Number(match[2]),
    hash: match[3] ?? '',
  };
}
