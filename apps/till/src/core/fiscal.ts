/**
 * The till's fiscal actions: settle an order, credit, reprint, and the
 * daily Z closing. The store journals each in one transaction (with its
 * outbox record); a settlement's claim goes into the day document only
 * after the commit, and start-up reconciliation writes any claim a crash
 * left out.
 */
import type { ClaimId, OrderId, Totals } from '@brigade/crdt-model';
import type {
  JournalEntry,
  Payment,
  SalePayload,
  Seller,
  Store,
} from '@brigade/store';
import { zatcaQrForEntry } from '@brigade/store';
import { translated } from '../api/model-errors.ts';
import { badRequest, conflict, notFound } from '../http/api-error.ts';
import type { TillDocuments } from './documents.ts';
import { creditInvoice, receiptText, salePayload } from './invoice.ts';

export interface SettleResult {
  docNo: string;
  seq: number;
  totals: Totals;
  hash: string;
  qr: string;
  receipt: string;
  /** The payments journalled (cash reduced by the change given). */
  payments: Payment[];
  /** Cash handed back, minor units. */
  change: number;
}

export interface DocumentResult {
  docNo: string;
  seq: number;
  total: number;
  tax: number;
  hash: string;
  qr: string;
  receipt: string;
}

export class Fiscal {
  #store: Store;
  #docs: TillDocuments;
  #seller: Seller;
  #onJournal: () => void;

  constructor(
    store: Store,
    docs: TillDocuments,
    seller: Seller,
    onJournal: () => void,
  ) {
    this.#store = store;
    this.#docs = docs;
    this.#seller = seller;
    this.#onJournal = onJournal;
  }

  /** Decimal places of the currency (2 until a menu says otherwise). */
  get #exponent(): number {
    return this.#docs.menu.isEmpty
      ? 2
      : this.#docs.menu.read().currency.exponent;
  }

  /** Settles an order: journal first, then the claim. */
  settle(orderId: string, payments: Payment[], user: string): SettleResult {
    const day = this.#docs.day;
    const view = day.order(orderId as OrderId);
    if (!view) throw notFound('unknown-order', `no order ${orderId}`);
    const own = view.claims.filter(
      (c) => c.device === this.#store.device && !c.credited,
    );
    if (own.length > 0) {
      throw conflict(
        'already-settled',
        `order ${orderId} was already settled on this till`,
      );
    }
    if (view.status !== 'open') {
      throw conflict(
        `order-${view.status}`,
        `order ${orderId} is ${view.status}`,
      );
    }
    const invoice = translated(() => day.invoiceSnapshot(view.id));
    if (invoice.lines.length === 0) {
      throw conflict('empty-order', `order ${orderId} has nothing to pay for`);
    }
    const paid = payments.map((p) => ({ ...p }));
    const change = giveChange(paid, invoice.total);
    const entry = translated(() =>
      this.#store.settle(
        {
          user,
          businessDate: this.#docs.businessDate,
          invoice: salePayload(invoice, this.#store.branch, this.#seller, paid),
        },
        (sale) => {
          day.claimSettlement({
            orderId: view.id,
            docNo: sale.docNo ?? String(sale.seq),
            total: sale.total,
            invoice,
            journaled: true,
          });
        },
      ),
    );
    this.#onJournal();
    return {
      ...this.#documentResult(entry),
      totals: view.totals,
      payments: paid,
      change,
    };
  }

  /**
   * A credit note against one of this till's sales: every line, or the
   * `lines` given. A full credit marks the sale's claim credited, which
   * resolves a double settlement on every device.
   */
  credit(
    docNo: string,
    reason: string,
    lines: { lineId: string; qty: number }[] | undefined,
    user: string,
  ): DocumentResult {
    const original = this.#findOwn(docNo);
    if (original.kind !== 'sale') {
      throw conflict(
        'not-a-sale',
        `${docNo} is a ${original.kind}, not a sale`,
      );
    }
    const sale = original.payload as unknown as SalePayload;
    const qtyByLine = lines ? creditLines(sale, lines) : null;
    const already = this.#store.documents.credited(docNo);
    // The credit note and its claim mark commit together: if the model
    // refuses the mark, the journal entry is rolled back with it.
    const entry = translated(() =>
      this.#store.database.transaction(() => {
        const credit = this.#store.creditNote({
          user,
          businessDate: this.#docs.businessDate,
          original: docNo,
          reason,
          invoice: creditInvoice(sale, qtyByLine),
        });
        if (already + credit.total >= original.total) {
          this.#creditClaim(docNo, credit);
        }
        return credit;
      })(),
    );
    this.#onJournal();
    return this.#documentResult(entry);
  }

  /** Journals a reprint and returns the copy, marked as a duplicate. */
  reprint(docNo: string, user: string) {
    const original = this.#findOwn(docNo);
    const entry = translated(() =>
      this.#store.reprint({
        user,
        businessDate: this.#docs.businessDate,
        docNo,
      }),
    );
    this.#onJournal();
    const copy = Number((entry.payload as { copy?: unknown }).copy ?? 1);
    return {
      docNo,
      seq: entry.seq,
      hash: entry.hash,
      copy,
      qr: zatcaQrForEntry(original, this.#exponent),
      receipt: receiptText(original, this.#exponent, `DUPLICATE ${copy}`),
    };
  }

  /**
   * The X report: what the Z closing would hold if it were written now;
   * journals nothing.
   */
  xReport() {
    return {
      businessDate: this.#docs.businessDate,
      ...this.#store.openPeriod(),
    };
  }

  /** Writes the Z closing of everything since the last one. */
  closeDay(user: string) {
    const entry = translated(() =>
      this.#store.closeDay({ user, businessDate: this.#docs.businessDate }),
    );
    this.#onJournal();
    return {
      seq: entry.seq,
      hash: entry.hash,
      ts: entry.ts,
      businessDate: entry.businessDate,
      ...entry.payload,
    };
  }

  /** Start-up: writes the claims of settlements a crash left unclaimed. */
  reconcile(): number {
    return this.#store.reconcileClaims((entry) => {
      const sale = entry.payload as unknown as SalePayload;
      this.#docs.day.claimSettlement({
        orderId: sale.orderId as OrderId,
        docNo: entry.docNo ?? String(entry.seq),
        total: entry.total,
        journaled: true,
      });
    });
  }

  /**
   * Marks the claim of a fully credited sale as credited in the day
   * document, which resolves a double settlement on every device. A sale
   * of another business day has no claim in this day's document and is
   * left as it is.
   */
  #creditClaim(saleDocNo: string, credit: JournalEntry): void {
    const day = this.#docs.day;
    for (const claim of day.snapshot().claims.values()) {
      if (claim.docNo !== saleDocNo || claim.device !== this.#store.device) {
        continue;
      }
      day.creditClaim({
        claimId: claim.id as ClaimId,
        creditDocNo: credit.docNo ?? String(credit.seq),
      });
    }
  }

  #documentResult(entry: JournalEntry): DocumentResult {
    return {
      docNo: entry.docNo ?? '',
      seq: entry.seq,
      total: entry.total,
      tax: entry.tax,
      hash: entry.hash,
      qr: zatcaQrForEntry(entry, this.#exponent),
      receipt: receiptText(entry, this.#exponent),
    };
  }

  /** This till's entry with document number `docNo`. */
  #findOwn(docNo: string): JournalEntry {
    const found = this.#store.journal.byDocNo(docNo);
    if (found) return found;
    throw notFound(
      'unknown-invoice',
      `no document ${docNo} in this till's journal; credit or reprint it on the till that issued it`,
    );
  }
}

/**
 * Checks that the payments cover `total` and takes any excess off the
 * cash payments as change; returns the change. Refuses a shortfall, and
 * an excess that cash cannot account for.
 */
function giveChange(payments: Payment[], total: number): number {
  const paid = payments.reduce((a, p) => a + p.amount, 0);
  if (paid < total) {
    throw badRequest(
      'payments-short',
      `payments sum to ${paid}, less than the total ${total}`,
      'payments',
    );
  }
  let change = paid - total;
  const given = change;
  for (const p of payments) {
    if (p.method !== 'cash' || change === 0) continue;
    const back = Math.min(p.amount, change);
    p.amount -= back;
    change -= back;
  }
  if (change > 0) {
    throw badRequest(
      'overpaid',
      `payments exceed the total ${total} by more than the cash given`,
      'payments',
    );
  }
  const kept = payments.filter((p) => p.amount > 0);
  payments.splice(0, payments.length, ...kept);
  return given;
}

function creditLines(
  sale: SalePayload,
  lines: { lineId: string; qty: number }[],
): Map<string, number> {
  const held = new Map(sale.lines.map((l) => [l.lineId, l.qty]));
  const wanted = new Map<string, number>();
  lines.forEach(({ lineId, qty }, i) => {
    const max = held.get(lineId);
    if (max === undefined) {
      throw badRequest(
        'unknown-line',
        `line ${lineId} is not on the invoice`,
        `lines[${i}].lineId`,
      );
    }
    const total = (wanted.get(lineId) ?? 0) + qty;
    if (total > max) {
      throw badRequest(
        'credit-exceeds-line',
        `line ${lineId} sold ${max}; cannot credit ${total}`,
        `lines[${i}].qty`,
      );
    }
    wanted.set(lineId, total);
  });
  return wanted;
}
