/**
 * Sealing: turning what happened into the next entry of a chain. The
 * store seals every entry it appends; tests and tools of other packages
 * use the same function to build valid chains without a database.
 */
import { canonicalize } from './canonical.ts';
import type { CanonicalValue, JournalEntry } from './entry.ts';
import { computeHashWithPayloadText, GENESIS_HASH } from './hash.ts';
import { nextRunning, ZERO_TOTALS } from './running.ts';

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
 * and the payload is rebuilt from its canonical text, so the returned
 * entry is exactly what was hashed, its members in canonical order:
 * `JSON.stringify` of the payload then prints the canonical text (unless
 * a key is an array index such as "500", which objects always list
 * first), so the relay takes its `JSON.stringify` fast path instead of
 * sorting every payload again.
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
    payload: JSON.parse(payloadText) as JournalEntry['payload'],
    total: draft.total,
    tax: draft.tax,
    running: nextRunning(prev?.running ?? ZERO_TOTALS, draft.kind, draft.total),
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  const hash = computeHashWithPayloadText(unhashed, payloadText);
  return { entry: { ...unhashed, hash }, payloadText };
}
