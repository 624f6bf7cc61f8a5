/**
 * Finding customers: duplicate pairs for a manager to merge, and the
 * till's search box. Phones are compared by `phoneKey`, so a number kept
 * the national way matches the same number kept with its country code.
 */
import { normalisePhone, phoneKey } from './normalise.ts';
import type { CustomerRecord, PersonalFields } from './records.ts';

/**
 * A customer as the till shows it: a record together with every record
 * merged into it, points summed and order references united.
 */
export interface Customer extends PersonalFields {
  id: string;
  points: number;
  orders: string[];
  /** Ids of the records merged into this one. */
  merged: string[];
  erased: boolean;
}

/** Two or more customers that share a normalised phone or e-mail. */
export interface DuplicateGroup {
  field: 'phone' | 'email';
  value: string;
  ids: string[];
}

/** Groups of `roots` (live, unmerged records) sharing a phone or e-mail. */
export function duplicateGroups(
  roots: readonly CustomerRecord[],
  country: string | undefined,
): DuplicateGroup[] {
  const groups = new Map<string, DuplicateGroup>();
  for (const record of roots) {
    for (const field of ['phone', 'email'] as const) {
      const stored = record[field];
      if (!stored) continue;
      const value = field === 'phone' ? phoneKey(stored, country) : stored;
      const key = `${field}:${value}`;
      const group = groups.get(key) ?? { field, value, ids: [] };
      group.ids.push(record.id);
      groups.set(key, group);
    }
  }
  return [...groups.values()]
    .filter((g) => g.ids.length > 1)
    .map((g) => ({ ...g, ids: g.ids.sort() }))
    .sort((a, b) => (`${a.field}${a.value}` < `${b.field}${b.value}` ? -1 : 1));
}

/**
 * The live customers whose name contains `q` (any case), or whose e-mail
 * or phone contains it; a phone searched with at least six digits is
 * read in `country` first, and a leading trunk `0` is ignored.
 */
export function searchCustomers<C extends PersonalFields & { erased: boolean }>(
  customers: readonly C[],
  q: string,
  country: string | undefined,
): C[] {
  const needle = q.trim().toLowerCase();
  const digits = needle.replace(/\D/g, '');
  const phoneNeedles = [digits, digits.replace(/^0+/, '')];
  if (digits.length >= 6) phoneNeedles.push(asPhone(needle, country));
  return customers.filter((c) => {
    if (c.erased) return false;
    if (!needle) return true;
    if (c.name.toLowerCase().includes(needle)) return true;
    if (c.email?.includes(needle)) return true;
    if (digits.length < 3 || !c.phone) return false;
    const phone = phoneKey(c.phone, country);
    return phoneNeedles.some((n) => n.length >= 3 && phone.includes(n));
  });
}

function asPhone(q: string, country: string | undefined): string {
  try {
    return normalisePhone(q, country);
  } catch {
    return q.replace(/\D/g, '');
  }
}

/** A customer as shown: the root record's fields, the group's points and orders. */
export function viewOf(
  rootId: string,
  group: readonly CustomerRecord[],
): Customer {
  const root = group.find((m) => m.id === rootId)!;
  return {
    id: root.id,
    name: root.name,
    phone: root.phone,
    email: root.email,
    notes: root.notes,
    allergies: root.allergies,
    marketingConsent: root.marketingConsent,
    points: group.reduce((a, m) => a + m.ownPoints, 0),
    orders: [...new Set(group.flatMap((m) => m.orders))].sort(),
    merged: group
      .filter((m) => m.id !== root.id)
      .map((m) => m.id)
      .sort(),
    erased: root.erased,
  };
}
