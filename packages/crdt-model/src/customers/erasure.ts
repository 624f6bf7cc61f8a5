/**
 * Erasure on request, as writes to the customer book. Every personal
 * field is overwritten with null and a grow-only mark is added, so a
 * device that has not seen the erasure can never undo it; an edit such a
 * device made at the same time arrives after the erasure and is blanked
 * by {@link scrubWrites}. Yjs drops overwritten values (garbage
 * collection); Automerge keeps every past value in its history, so a book
 * meant to honour erasure must run on Yjs.
 */
import type { Engine, EngineWriter } from '../engine/engine.ts';
import {
  CUS,
  CUSTOMER,
  type CustomerRecord,
  PERSONAL_FIELDS,
} from './records.ts';

/** Writes the erasure of every record of `group` (a customer and merges). */
export function writeErasure(
  tx: EngineWriter,
  group: readonly CustomerRecord[],
): void {
  for (const member of group) {
    // Recreating keeps the record even where it had not arrived yet.
    tx.create(CUS.customers, member.id, {
      [CUSTOMER.createdBy]: member.createdBy,
      [CUSTOMER.createdAt]: member.createdAt,
    });
    blank(tx, member.id);
    tx.addToSet(CUS.customers, member.id, CUSTOMER.erased, 'yes');
  }
}

/** Ids of erased records that still hold a personal field. */
export function erasedButDirty(engine: Engine): string[] {
  return engine.ids(CUS.customers).filter((id) => {
    const raw = engine.record(CUS.customers, id)!;
    const erased = (raw.sets[CUSTOMER.erased] ?? []).length > 0;
    return (
      erased && PERSONAL_FIELDS.some((f) => (raw.fields[f] ?? null) !== null)
    );
  });
}

/**
 * Calls `listener` with the erased records that a change from another
 * device wrote to: the erasure itself, or an edit that raced it, even
 * one that lost to the erasure's blank. Their bytes stay in a stored
 * update log until it is compacted, which is what a holder does here.
 */
export function onErasedWrite(
  engine: Engine,
  listener: (ids: string[]) => void,
): () => void {
  return engine.onChange(({ tables, local }) => {
    if (local) return;
    const ids = [...(tables.get(CUS.customers) ?? [])].filter((id) => {
      const raw = engine.record(CUS.customers, id);
      return (raw?.sets[CUSTOMER.erased] ?? []).length > 0;
    });
    if (ids.length > 0) listener(ids);
  });
}

/** Blanks the personal fields of the records `ids`. */
export function scrubWrites(tx: EngineWriter, ids: readonly string[]): void {
  for (const id of ids) blank(tx, id);
}

function blank(tx: EngineWriter, id: string): void {
  for (const field of PERSONAL_FIELDS) tx.set(CUS.customers, id, field, null);
}
