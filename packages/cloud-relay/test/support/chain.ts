/**
 * Genuine journal chains for tests, sealed with the store's own
 * `sealEntry` (real hashes, links and running totals), and invoice
 * payloads in the store's `SalePayload` shape.
 */
import {
  type EntryDraft,
  formatDocNo,
  type JournalEntry,
  sealEntry,
} from '@brigade/store';

export interface LineSpec {
  itemId: string;
  name: string;
  qty: number;
  unitPrice: number;
  /** Basis points. */
  taxRate: number;
}

export interface InvoiceSpec {
  lines: LineSpec[];
  payments: { method: string; amount: number }[];
  /** Business date; default 2026-03-01. */
  date?: string;
}

/** Builds a device's chain entry by entry, as a till would. */
export class ChainBuilder {
  readonly entries: JournalEntry[] = [];
  #docs = 0;
  #clock: number;

  constructor(
    readonly device: string,
    readonly branch = 'b1',
    start = Date.parse('2026-03-01T09:00:00.000Z'),
  ) {
    this.#clock = start;
  }

  get tail(): JournalEntry | null {
    return this.entries.at(-1) ?? null;
  }

  /** Appends a sale (or training sale) with tax-inclusive prices. */
  sale(spec: InvoiceSpec, kind: 'sale' | 'training-sale' = 'sale') {
    const docNo = kind === 'sale' ? this.#nextDoc() : null;
    return this.#append(kind, spec, docNo, {});
  }

  /** Appends a credit note giving back `spec` of sale `original`. */
  creditNote(original: JournalEntry, spec: InvoiceSpec) {
    return this.#append('credit-note', spec, this.#nextDoc(), {
      original: {
        device: original.device,
        seq: original.seq,
        docNo: original.docNo ?? '',
      },
      reason: 'customer returned it',
    });
  }

  /** Appends a no-sale drawer open. */
  drawerOpen(date = '2026-03-01') {
    return this.add({
      device: this.device,
      kind: 'drawer-open',
      ts: this.#tick(),
      businessDate: date,
      user: 'u1',
      docNo: null,
      total: 0,
      tax: 0,
      payload: { reason: 'change' },
    });
  }

  /** Continues from entries sealed elsewhere (to build a fork of them). */
  adopt(entries: JournalEntry[]) {
    for (const entry of entries) {
      this.entries.push(entry);
      if (entry.docNo !== null) this.#docs += 1;
      this.#clock = Math.max(this.#clock, Date.parse(entry.ts));
    }
    return this;
  }

  /** Seals any draft onto the chain. */
  add(draft: EntryDraft): JournalEntry {
    const { entry } = sealEntry(this.tail, draft);
    this.entries.push(entry);
    return entry;
  }

  /** Moves this device's clock on (entries' ts never go backwards). */
  setClock(ms: number) {
    this.#clock = ms;
  }

  #append(
    kind: 'sale' | 'training-sale' | 'credit-note',
    spec: InvoiceSpec,
    docNo: string | null,
    extra: EntryDraft['payload'],
  ) {
    const invoice = invoicePayload(this.branch, spec);
    return this.add({
      device: this.device,
      kind,
      ts: this.#tick(),
      businessDate: spec.date ?? '2026-03-01',
      user: 'u1',
      docNo,
      total: invoice.total,
      tax: invoice.tax,
      payload: { ...invoice, ...extra },
    });
  }

  #nextDoc() {
    this.#docs += 1;
    return formatDocNo(this.branch, this.device, this.#docs);
  }

  #tick() {
    this.#clock += 1000;
    return new Date(this.#clock).toISOString();
  }
}

/** Tax within a tax-inclusive amount, rounded half up. */
export function inclusiveTax(gross: number, rate: number): number {
  return Math.floor((gross * rate + (10_000 + rate) / 2) / (10_000 + rate));
}

let orders = 0;

function invoicePayload(branch: string, spec: InvoiceSpec) {
  const lines = spec.lines.map((l, i) => ({
    lineId: `l${i + 1}`,
    itemId: l.itemId,
    name: l.name,
    qty: l.qty,
    unitPrice: l.unitPrice,
    modifiers: [],
    lineTotal: l.qty * l.unitPrice,
    taxRate: l.taxRate,
  }));
  const byRate = new Map<number, number>();
  for (const l of lines) {
    byRate.set(l.taxRate, (byRate.get(l.taxRate) ?? 0) + l.lineTotal);
  }
  const taxes = [...byRate].map(([rate, gross]) => {
    const tax = inclusiveTax(gross, rate);
    return { rate, base: gross - tax, tax };
  });
  const total = lines.reduce((s, l) => s + l.lineTotal, 0);
  const tax = taxes.reduce((s, t) => s + t.tax, 0);
  return {
    branch,
    orderId: `o-${++orders}`,
    table: null,
    currency: 'SAR',
    taxInclusive: true,
    seller: { name: 'Acme', vatNumber: '310122393500003' },
    lines,
    taxes,
    payments: spec.payments,
    total,
    tax,
  };
}

/** The body `POST /v1/journal` takes. */
export function batch(entries: JournalEntry[], extra: object = {}) {
  return { entries, ...extra };
}
