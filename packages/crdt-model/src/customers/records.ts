/**
 * The records of an organisation's customer book (`<org>/customers`), one
 * document for every branch so that a guest's record and points follow
 * them.
 *
 * Tables: `customers` (personal fields last writer wins, points a
 * per-writer counter, order references a grow-only set, a merge pointer,
 * and an erasure mark in a grow-only set so that no stale device can undo
 * it) and `loyalty` (one record per points movement, with an id derived
 * from its cause, so a replayed settlement earns once).
 */
import type { EngineRecord, Json } from '../engine/engine.ts';

export const CUS = { customers: 'customers', loyalty: 'loyalty' } as const;

/** The personal fields: what erasure removes. */
export interface PersonalFields {
  name: string;
  /** Normalised (see `normalisePhone`); null if not given. */
  phone: string | null;
  /** Normalised (lower case); null if not given. */
  email: string | null;
  notes: string;
  allergies: string[];
  marketingConsent: boolean;
}

export interface CustomerRecord extends PersonalFields {
  id: string;
  createdBy: string;
  createdAt: number;
  /** This record's own points (its writers' counter). */
  ownPoints: number;
  /** Order references `<branch>/<date>/<orderId>`. */
  orders: string[];
  /** Set when a manager merged it into another customer. */
  mergedInto: string | null;
  erased: boolean;
}

export type LoyaltyKind = 'earn' | 'redeem' | 'adjust';

export interface LoyaltyMove {
  id: string;
  customerId: string;
  /** Signed points. */
  delta: number;
  kind: LoyaltyKind;
  reason: string;
  /** What caused it: a fiscal document number, a manager's note. */
  ref: string;
  by: string;
  at: number;
}

export const CUSTOMER = {
  name: 'n',
  phone: 'ph',
  email: 'em',
  notes: 'nt',
  allergies: 'al',
  marketingConsent: 'mk',
  createdBy: 'by',
  createdAt: 'at',
  /** Counter. */
  points: 'pt',
  /** Set of order references. */
  orders: 'o',
  mergedInto: 'mg',
  /** Set: holds `yes` once erased. */
  erased: 'x',
} as const;

export const PERSONAL_FIELDS = [
  CUSTOMER.name,
  CUSTOMER.phone,
  CUSTOMER.email,
  CUSTOMER.notes,
  CUSTOMER.allergies,
  CUSTOMER.marketingConsent,
] as const;

export const LOYALTY = {
  customerId: 'c',
  delta: 'd',
  kind: 'k',
  reason: 'r',
  ref: 'ref',
  by: 'by',
  at: 'at',
} as const;

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
const num = (v: Json | undefined): number => (typeof v === 'number' ? v : 0);
const optional = (v: Json | undefined): string | null =>
  typeof v === 'string' ? v : null;

export function decodeCustomer(r: EngineRecord): CustomerRecord {
  const f = r.fields;
  const erased = (r.sets[CUSTOMER.erased] ?? []).length > 0;
  const points = Object.values(r.counters[CUSTOMER.points] ?? {});
  return {
    id: r.id,
    name: erased ? '' : str(f[CUSTOMER.name]),
    phone: erased ? null : optional(f[CUSTOMER.phone]),
    email: erased ? null : optional(f[CUSTOMER.email]),
    notes: erased ? '' : str(f[CUSTOMER.notes]),
    allergies:
      erased || !Array.isArray(f[CUSTOMER.allergies])
        ? []
        : (f[CUSTOMER.allergies] as string[]),
    marketingConsent: !erased && f[CUSTOMER.marketingConsent] === true,
    createdBy: str(f[CUSTOMER.createdBy]),
    createdAt: num(f[CUSTOMER.createdAt]),
    ownPoints: points.reduce((a, b) => a + b, 0),
    orders: [...(r.sets[CUSTOMER.orders] ?? [])],
    mergedInto: optional(f[CUSTOMER.mergedInto]),
    erased,
  };
}

export function decodeLoyalty(r: EngineRecord): LoyaltyMove {
  const f = r.fields;
  return {
    id: r.id,
    customerId: str(f[LOYALTY.customerId]),
    delta: num(f[LOYALTY.delta]),
    kind: str(f[LOYALTY.kind]) as LoyaltyKind,
    reason: str(f[LOYALTY.reason]),
    ref: str(f[LOYALTY.ref]),
    by: str(f[LOYALTY.by]),
    at: num(f[LOYALTY.at]),
  };
}
