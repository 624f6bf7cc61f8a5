/**
 * The sales report of a branch over a range of business dates, computed
 * from the stored journal: sales add, credit notes subtract, training
 * sales are counted apart and excluded from every total. Every amount is
 * an integer in minor units; tax rates are basis points.
 */
import type { JournalEntry } from '@brigade/store';
import type { Database, Statement } from 'better-sqlite3';
import type { ReportedPayload } from '../journal/sale-payload.ts';

/** Sales, credit notes and their difference for one group. */
export interface Amounts {
  /** Sum of sales' totals, tax included. */
  sales: number;
  /** Sum of credit notes' totals (a positive number). */
  credits: number;
  /** sales - credits */
  net: number;
  /** Tax within net (sales' tax minus credit notes' tax). */
  tax: number;
  /** Number of sales. */
  saleCount: number;
  /** Number of credit notes. */
  creditCount: number;
}

export interface SalesReport {
  branch: string;
  /** First business date covered, `YYYY-MM-DD`. */
  from: string;
  /** Last business date covered (inclusive). */
  to: string;
  /** Currencies seen in the range (one, normally). */
  currencies: string[];
  totals: Amounts;
  byDay: (Amounts & { date: string })[];
  byDevice: (Amounts & { device: string })[];
  /** Received by method; credit notes' refunds subtract. */
  byPaymentMethod: {
    method: string;
    sales: number;
    credits: number;
    net: number;
  }[];
  /** Net of tax (`base`) and tax by rate; credit notes subtract. */
  byTaxRate: { rate: number; base: number; tax: number }[];
  /** Units and amount (tax as the till priced it) by menu item. */
  byItem: { itemId: string; name: string; qty: number; amount: number }[];
  /** Training sales in the range: journalled, excluded from the totals. */
  excluded: { trainingSales: number; trainingAmount: number };
}

/** Builds sales reports; the statement is prepared once. */
export class SalesReports {
  readonly #entries: Statement;

  constructor(db: Database) {
    this.#entries = db
      .prepare(`SELECT body FROM journal_entries
        WHERE org = ? AND branch = ? AND business_date BETWEEN ? AND ?
          AND kind IN ('sale', 'credit-note', 'training-sale')
        ORDER BY business_date, device, seq`)
      .pluck();
  }

  /** The report of `branch` for business dates `from` to `to` inclusive. */
  sales(org: string, branch: string, from: string, to: string): SalesReport {
    const tally = new Tally();
    for (const body of this.#entries.iterate(org, branch, from, to)) {
      tally.add(JSON.parse(body as string) as JournalEntry);
    }
    return { branch, from, to, ...tally.result() };
  }
}

/** Accumulates entries into every grouping of the report. */
class Tally {
  readonly totals = zero();
  readonly days = new Map<string, Amounts>();
  readonly devices = new Map<string, Amounts>();
  readonly methods = new Map<string, { sales: number; credits: number }>();
  readonly rates = new Map<number, { base: number; tax: number }>();
  readonly items = new Map<
    string,
    { name: string; qty: number; amount: number }
  >();
  readonly currencies = new Set<string>();
  readonly excluded = { trainingSales: 0, trainingAmount: 0 };

  add(entry: JournalEntry): void {
    const payload = entry.payload as unknown as ReportedPayload;
    if (entry.kind === 'training-sale') {
      this.excluded.trainingSales += 1;
      this.excluded.trainingAmount += entry.total;
      return;
    }
    const sign = entry.kind === 'credit-note' ? -1 : 1;
    this.currencies.add(payload.currency);
    for (const amounts of [
      this.totals,
      group(this.days, entry.businessDate),
      group(this.devices, entry.device),
    ]) {
      addAmounts(amounts, entry, sign);
    }
    for (const p of payload.payments) {
      const m = this.methods.get(p.method) ?? { sales: 0, credits: 0 };
      if (sign > 0) m.sales += p.amount;
      else m.credits += p.amount;
      this.methods.set(p.method, m);
    }
    for (const t of payload.taxes) {
      const r = this.rates.get(t.rate) ?? { base: 0, tax: 0 };
      r.base += sign * t.base;
      r.tax += sign * t.tax;
      this.rates.set(t.rate, r);
    }
    for (const line of payload.lines) {
      const item = this.items.get(line.itemId) ?? {
        name: line.name,
        qty: 0,
        amount: 0,
      };
      item.qty += sign * line.qty;
      item.amount += sign * line.lineTotal;
      this.items.set(line.itemId, item);
    }
  }

  result(): Omit<SalesReport, 'branch' | 'from' | 'to'> {
    return {
      currencies: [...this.currencies].sort(),
      totals: this.totals,
      byDay: sorted(this.days).map(([date, a]) => ({ date, ...a })),
      byDevice: sorted(this.devices).map(([device, a]) => ({ device, ...a })),
      byPaymentMethod: sorted(this.methods).map(([method, m]) => ({
        method,
        ...m,
        net: m.sales - m.credits,
      })),
      byTaxRate: [...this.rates]
        .sort(([a], [b]) => a - b)
        .map(([rate, r]) => ({ rate, ...r })),
      byItem: [...this.items]
        .map(([itemId, i]) => ({ itemId, ...i }))
        .sort((a, b) => b.amount - a.amount || compare(a.itemId, b.itemId)),
      excluded: this.excluded,
    };
  }
}

function zero(): Amounts {
  return { sales: 0, credits: 0, net: 0, tax: 0, saleCount: 0, creditCount: 0 };
}

function group(map: Map<string, Amounts>, key: string): Amounts {
  let amounts = map.get(key);
  if (!amounts) {
    amounts = zero();
    map.set(key, amounts);
  }
  return amounts;
}

function addAmounts(a: Amounts, entry: JournalEntry, sign: 1 | -1): void {
  if (sign > 0) {
    a.sales += entry.total;
    a.saleCount += 1;
  } else {
    a.credits += entry.total;
    a.creditCount += 1;
  }
  a.net = a.sales - a.credits;
  a.tax += sign * entry.tax;
}

function sorted<V>(map: Map<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => compare(a, b));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
