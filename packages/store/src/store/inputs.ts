/** What callers hand the store to record; the store adds the rest. */
import type {
  CreditNotePayload,
  InvoiceLine,
  SalePayload,
  VoidTotals,
} from '../journal/payloads.ts';

/** Who records, on which business day. */
export interface Actor {
  /** Staff id. */
  user: string;
  /** `YYYY-MM-DD`, the business date of the day document. */
  businessDate: string;
}

/** A settlement: the invoice snapshot computed from the order's CRDT state. */
export interface SaleInput extends Actor {
  invoice: SalePayload;
  /** Journal as `training-sale`: kept, never in totals or reports. */
  training?: boolean;
}

/** A credit note; `invoice` describes what is given back. */
export interface CreditNoteInput extends Actor {
  /** Document number of the sale it corrects. */
  original: string;
  reason: string;
  invoice: Omit<CreditNotePayload, 'original' | 'reason'>;
}

/** A reprint of an invoice or credit note. */
export interface ReprintInput extends Actor {
  docNo: string;
}

/** Events that are not documents. */
export type EventInput = Actor &
  (
    | {
        kind: 'line-void' | 'order-void';
        orderId: string;
        /** The voided line; null for an order void. */
        lineId: string | null;
        reason: string;
        /** Value voided, minor units. */
        amount: number;
        /** An order void's lines, as priced on the order. */
        lines?: InvoiceLine[];
        /** An order void's totals; `total` must equal `amount`. */
        totals?: VoidTotals;
        /** An order void's table. */
        table?: string;
      }
    | {
        kind: 'drawer-open' | 'cash-in' | 'cash-out';
        reason: string;
        /** Cash moved, minor units (0 for a drawer open). */
        amount: number;
      }
    | {
        kind: 'offline' | 'online';
        reason: string;
        /** Sync state before the change; null when none is known. */
        from?: string | null;
        /** Sync state after the change. */
        to?: string;
      }
    | {
        kind: 'loyalty';
        /**
         * The customer's opaque id: never a name, phone or e-mail, so the
         * immutable journal holds nothing that erasure would have to remove.
         */
        customerId: string;
        /** Points moved: positive earned, negative redeemed. */
        points: number;
        /** The customer's balance after the movement. */
        balance: number;
        /** The document the movement belongs to (a sale's docNo). */
        ref: string;
        reason: string;
      }
  );
