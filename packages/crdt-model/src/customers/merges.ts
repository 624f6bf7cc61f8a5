/**
 * Merging duplicate customers. A merge only points the dropped record at
 * the kept one, so points earned on the dropped record by a device that
 * has not seen the merge yet still count, and nothing is copied or lost.
 */
import type { EngineWriter } from '../engine/engine.ts';
import { CUS, CUSTOMER, type CustomerRecord } from './records.ts';

/**
 * Writes the merge of `drop` into `keep`: the pointer, and the empty
 * contact fields and notes of `keep` filled from `drop`, allergies united.
 */
export function writeMerge(
  tx: EngineWriter,
  keep: CustomerRecord,
  drop: CustomerRecord,
): void {
  tx.set(CUS.customers, drop.id, CUSTOMER.mergedInto, keep.id);
  const fill: [string, string | null, string | null][] = [
    [CUSTOMER.phone, keep.phone, drop.phone],
    [CUSTOMER.email, keep.email, drop.email],
    [CUSTOMER.notes, keep.notes, drop.notes],
  ];
  for (const [field, mine, theirs] of fill) {
    if (!mine && theirs) tx.set(CUS.customers, keep.id, field, theirs);
  }
  const allergies = [...new Set([...keep.allergies, ...drop.allergies])];
  if (allergies.length > keep.allergies.length) {
    tx.set(CUS.customers, keep.id, CUSTOMER.allergies, allergies.sort());
  }
}

/**
 * The record `id` resolves to after merges, following `mergedInto` (the
 * pointer of a record, undefined if the record is unknown). Two managers
 * merging a pair both ways at once make a cycle; its smallest id wins.
 */
export function resolveMerges(
  id: string,
  mergedInto: (id: string) => string | null | undefined,
  known: (id: string) => boolean,
): string {
  const seen: string[] = [];
  let at = id;
  for (;;) {
    seen.push(at);
    const next = mergedInto(at);
    if (!next || !known(next)) return at;
    if (seen.includes(next)) return seen.slice(seen.indexOf(next)).sort()[0]!;
    at = next;
  }
}
