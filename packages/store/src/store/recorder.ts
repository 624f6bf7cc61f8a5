/**
 * Turns what callers record into journal facts: settlements, credit
 * notes, reprints, closings and plain events. Lookups of originals run
 * inside the append transaction, so two corrections of one sale can
 * never both pass the "not more than what is left" check.
 */
import type { ClosingBuilder } from '../journal/closing.ts';
import type { DocumentInfo, DocumentLookup } from '../journal/documents.ts';
import type { CanonicalValue, JournalEntry } from '../journal/entry.ts';
import type { Fact, Journal } from '../journal/journal.ts';
import type {
  ConnectivityPayload,
  CreditNotePayload,
  ReprintPayload,
  VoidPayload,
} from '../journal/payloads.ts';
import { assertInvoiceAddsUp } from '../journal/settlement.ts';
import { StoreError } from './errors.ts';
import type {
  Actor,
  CreditNoteInput,
  EventInput,
  ReprintInput,
  SaleInput,
} from './inputs.ts';

type Payload = { [key: string]: CanonicalValue };

/** Records facts on one journal. */
export class Recorder {
  #journal: Journal;
  #documents: DocumentLookup;
  #closings: ClosingBuilder;

  constructor(
    journal: Journal,
    documents: DocumentLookup,
    closings: ClosingBuilder,
  ) {
    this.#journal = journal;
    this.#documents = documents;
    this.#closings = closings;
  }

  sale(input: SaleInput): JournalEntry {
    assertInvoiceAddsUp(input.invoice);
    return this.#journal.append({
      ...actor(input),
      kind: input.training ? 'training-sale' : 'sale',
      payload: input.invoice as unknown as Payload,
      total: input.invoice.total,
      tax: input.invoice.tax,
    });
  }

  creditNote(input: CreditNoteInput): JournalEntry {
    assertInvoiceAddsUp(input.invoice);
    return this.#journal.appendBuilt(input, () => {
      const original = this.#original(input.original, ['sale']);
      const left = original.total - this.#documents.credited(original.docNo);
      if (input.invoice.total > left) {
        throw new StoreError(
          'credit-exceeds-original',
          `credit of ${input.invoice.total} exceeds the ${left} left of ${original.docNo}`,
        );
      }
      const payload: CreditNotePayload = {
        ...input.invoice,
        original: ref(original),
        reason: input.reason,
      };
      return {
        ...actor(input),
        kind: 'credit-note',
        payload: payload as unknown as Payload,
        total: payload.total,
        tax: payload.tax,
      };
    });
  }

  reprint(input: ReprintInput): JournalEntry {
    return this.#journal.appendBuilt(input, () => {
      const original = this.#original(input.docNo, ['sale', 'credit-note']);
      const payload: ReprintPayload = {
        original: ref(original),
        copy: this.#documents.reprints(original.docNo) + 1,
        mark: 'DUPLICATE',
      };
      return fact(input, 'reprint', payload, 0);
    });
  }

  event(input: EventInput): JournalEntry {
    switch (input.kind) {
      case 'line-void':
      case 'order-void':
        return this.#journal.append(
          fact(input, input.kind, voidPayload(input), input.amount),
        );
      case 'drawer-open':
      case 'cash-in':
      case 'cash-out':
        return this.#journal.append(
          fact(input, input.kind, { reason: input.reason }, input.amount),
        );
      case 'loyalty':
        return this.#journal.append(
          fact(
            input,
            'loyalty',
            {
              customerId: input.customerId,
              points: input.points,
              balance: input.balance,
              ref: input.ref,
              reason: input.reason,
            },
            0,
          ),
        );
      case 'offline':
      case 'online':
        return this.#journal.append(
          fact(input, input.kind, connectivityPayload(input), 0),
        );
    }
    const kind = String((input as { kind: unknown }).kind);
    throw new StoreError('invalid-settlement', `no event kind ${kind}`);
  }

  closeDay(input: Actor): JournalEntry {
    return this.#journal.appendBuilt(input, () =>
      this.#closings.next(input.user, input.businessDate),
    );
  }

  #original(docNo: string, kinds: string[]): DocumentInfo {
    const doc = this.#documents.find(docNo);
    if (!doc || !kinds.includes(doc.kind)) {
      throw new StoreError(
        'missing-original',
        `no ${kinds.join(' or ')} numbered ${docNo} is held`,
      );
    }
    return doc;
  }
}

type VoidInput = Extract<EventInput, { kind: 'line-void' | 'order-void' }>;

/** A void's payload: the details of an order void only when given. */
function voidPayload(input: VoidInput): VoidPayload {
  const payload: VoidPayload = {
    orderId: input.orderId,
    lineId: input.lineId,
    reason: input.reason,
  };
  if (input.totals && input.totals.total !== input.amount) {
    throw new StoreError(
      'invalid-settlement',
      `${input.kind} amount ${input.amount} differs from its totals' ${input.totals.total}`,
    );
  }
  if (input.lines) payload.lines = input.lines;
  if (input.totals) payload.totals = input.totals;
  if (input.table !== undefined) payload.table = input.table;
  return payload;
}

type ConnectivityInput = Extract<EventInput, { kind: 'offline' | 'online' }>;

/** A transition's payload: `from` and `to` only when given. */
function connectivityPayload(input: ConnectivityInput): ConnectivityPayload {
  const payload: ConnectivityPayload = { reason: input.reason };
  if (input.from !== undefined) payload.from = input.from;
  if (input.to !== undefined) payload.to = input.to;
  return payload;
}

function actor(input: Actor): Actor {
  return { user: input.user, businessDate: input.businessDate };
}

function ref(doc: DocumentInfo) {
  return { device: doc.device, seq: doc.seq, docNo: doc.docNo };
}

function fact(
  input: Actor,
  kind: Fact['kind'],
  payload: object,
  total: number,
): Fact {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new StoreError(
      'invalid-settlement',
      `${kind} amount ${total} is not an integer >= 0`,
    );
  }
  return { ...actor(input), kind, payload: payload as Payload, total, tax: 0 };
}
