/**
 * Sealing: turning what happened into the next entry of a chain. The
 * store seals every entry it appends; tests and tools of other packages
 * use the same function to build valid chains without a database.
 */
import { canonicalize } from './canonical.ts';
import type { CanonicalValue, JournalEntry } from './entry.ts';
import { computeHashWithPayloadText, GENESIS_HASH } from './hash.ts';
import { nextRunning, ZERO_TOTALS } from './running.ts';

/** Text that NFC cannot change: the payload object is returned as given. */
const NON_ASCII = /[\u0080-\uffff]/;

/** An entry's own facts; the chain supplies the rest. */
export type EntryDraft = Pick<
  JournalEntry,
  'device' | 'kind' | 'ts' | 'businessDate' | 'user' | 'docNo' | 'total' | 'tax'
> & { payload: { [key: string]: CanonicalValue } };

/** A sealed entry with its payload's canonical text. */
export interface SealedEntry {
  entry: JournalEntry;
  payloadText: string;
}

/**
 * Seals `draft` as the successor of `prev` (`null` for the first entry):
 * next seq, link, running totals and hash. Strings are normalised to NFC
 * so that the returned entry is exactly what was hashed.
 *
 * @example
 * const first = sealEntry(null, draft).entry;
 * const second = sealEntry(first, otherDraft).entry;
 */
export function sealEntry(
  prev: Pick<JournalEntry, 'seq' | 'hash' | 'running'> | null,
  draft: EntryDraft,
): SealedEntry {
  const payloadText = canonicalize(draft.payload);
  const unhashed = {
    device: draft.device.normalize('NFC'),
    seq: prev ? prev.seq + 1 : 1,
    kind: draft.kind,
    ts: draft.ts,
    businessDate: draft.businessDate,
    user: draft.user.normalize('NFC'),
    docNo: draft.docNo === null ? null : draft.docNo.normalize('NFC'),
    payload: !NON_ASCII.test(payloadText)
      ? draft.payload
      : (JSON.parse(payloadText) as JournalEntry['payload']),
    total: draft.total,
    tax: draft.tax,
    running: nextRunning(prev?.running ?? ZERO_TOTALS, draft.kind, draft.total),
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  const hash = computeHashWithPayloadText(unhashed, payloadText);
  return { entry: { ...unhashed, hash }, payloadText };
}
