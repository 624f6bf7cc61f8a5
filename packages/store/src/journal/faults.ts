/**
 * What can be wrong with a chain. Every fault names the entry where it
 * was found and carries a stable `code` that other packages (the relay's
 * ingest, the LAN provider) may switch on.
 */

/** Stable codes of chain faults. */
export const FAULT_CODES = [
  /** A field has the wrong type or format. */
  'malformed',
  /** The entry belongs to another device than the chain. */
  'device-mismatch',
  /** `seq` does not follow the previous entry (deleted, swapped or inserted rows). */
  'seq-gap',
  /** `prevHash` is not the previous entry's hash. */
  'broken-link',
  /** The recomputed hash differs from the stored one (edited entry). */
  'hash-mismatch',
  /**
   * The stored payload text is not its canonical form (a repeated or
   * unsorted key, whitespace, `1.0`, a needless escape, a string not in
   * NFC), though the hash over it may match.
   */
  'payload-not-canonical',
  /** `ts` is earlier than the previous entry's. */
  'ts-backwards',
  /** Running totals do not add up. */
  'running-totals',
  /** A document number is skipped, reused or in the wrong series. */
  'doc-number',
  /** The payload contradicts the entry (totals, closing range, DUPLICATE mark). */
  'payload-mismatch',
  /** A Z closing's number, range or sums disagree with the entries it covers. */
  'z-closing',
  /** A credit note's or reprint's original does not exist or is not a document. */
  'missing-original',
  /** Credit notes exceed the original they correct. */
  'credit-exceeds-original',
  /** A reprint's copy number does not count the reprints before it. */
  'reprint-count',
  /** An acknowledged hash (relay tail, printed Z report) does not match. */
  'anchor-mismatch',
  /** The chain ends before an acknowledged entry (truncation, old backup). */
  'truncated',
] as const;
export type FaultCode = (typeof FAULT_CODES)[number];

/** One thing wrong with a chain, at entry `seq` of `device`. */
export interface ChainFault {
  code: FaultCode;
  message: string;
  seq: number;
  /** Device of the chain; set by whole-chain checks, absent from `checkNext`. */
  device?: string;
}

/** Builds a fault. */
export function fault(code: FaultCode, seq: number, message: string) {
  return { code, seq, message } satisfies ChainFault;
}
