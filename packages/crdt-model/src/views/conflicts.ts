import type { DaySnapshot } from '../day/day-state.ts';
import type { ClaimId, LineId, OrderId } from '../ids.ts';
import { invoiceDigest, invoiceOf } from './invoice.ts';
import {
  firedOf,
  inMergeCycle,
  lineVoidOf,
  orderVoidOf,
  rootOf,
} from './order-lines.ts';
import { liveClaims } from './order-view.ts';

export type ConflictKind =
  /** Two or more settlement claims on one order. */
  | 'double-settlement'
  /** The order changed after (or concurrently with) its settlement. */
  | 'edit-after-claim'
  /** Tickets hold more of a line than the line holds. */
  | 'over-fire'
  /** Concurrent decreases took a line below zero; it shows as zero. */
  | 'quantity-below-zero'
  /** Orders were merged into each other concurrently. */
  | 'merge-cycle'
  /** The order was voided on one device while another settled it. */
  | 'void-after-claim';

/** Something a manager can do about a conflict. */
export interface ManagerAction {
  kind:
    | 'issue-credit-note'
    | 'settle-difference'
    | 'charge-extra'
    | 'record-waste'
    | 'correct-quantity'
    | 'check-orders';
  /** What to do, in the manager's words. */
  label: string;
  /** The settlement concerned, for credit notes. */
  claimId?: ClaimId;
}

export interface Conflict {
  /** Stable across replicas: `<kind>:<order or line id>`. */
  id: string;
  kind: ConflictKind;
  orderId: OrderId;
  lineId?: LineId;
  claimIds?: ClaimId[];
  /** What happened, in one sentence. */
  message: string;
  actions: ManagerAction[];
}

/**
 * Every conflict of the day, by id. Settlements cancelled by a credit note
 * (`ServiceDay.creditClaim`) no longer count: a double settlement is
 * resolved once at most one claim is left, an edit after a claim once that
 * claim is credited.
 */
export function conflicts(day: DaySnapshot): Conflict[] {
  const found = [
    ...settlementConflicts(day),
    ...lineConflicts(day),
    ...mergeConflicts(day),
  ];
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function settlementConflicts(day: DaySnapshot): Conflict[] {
  const found: Conflict[] = [];
  for (const orderId of day.index.claimsByOrder.keys()) {
    const claims = liveClaims(day, orderId);
    const claimIds = claims.map((c) => c.id);
    if (claims.length > 1) {
      found.push({
        id: `double-settlement:${orderId}`,
        kind: 'double-settlement',
        orderId,
        claimIds,
        message: `order ${orderId} was settled ${claims.length} times: ${claims
          .map((c) => `${c.docNo} on ${c.device} (${c.total})`)
          .join(', ')}`,
        actions: claims.map((c) => ({
          kind: 'issue-credit-note',
          label: `refund document ${c.docNo} from ${c.device} with a credit note`,
          claimId: c.id,
        })),
      });
    }
    const voided = orderVoidOf(day, orderId);
    if (voided && claims.length > 0) {
      found.push(voidAfterClaim(orderId, voided.by, claims));
      continue;
    }
    const invoice = invoiceOf(day, orderId);
    const digest = invoice ? invoiceDigest(invoice) : '';
    const stale = claims.filter((c) => c.digest !== digest);
    if (stale.length > 0 && invoice) {
      found.push({
        id: `edit-after-claim:${orderId}`,
        kind: 'edit-after-claim',
        orderId,
        claimIds: stale.map((c) => c.id),
        message: `order ${orderId} changed after settlement: now ${invoice.total}, settled ${stale
          .map((c) => `${c.total} (${c.docNo})`)
          .join(', ')}`,
        actions: [
          ...stale.map((c) => ({
            kind: 'issue-credit-note' as const,
            label: `credit document ${c.docNo} and settle the order again`,
            claimId: c.id,
          })),
          {
            kind: 'settle-difference',
            label: 'settle the difference on a new document',
          },
        ],
      });
    }
  }
  return found;
}

/**
 * A void and a settlement of one order that raced: the void is final, so
 * the settlement is what a manager undoes, with a credit note.
 */
function voidAfterClaim(
  orderId: OrderId,
  by: string,
  claims: { id: ClaimId; docNo: string; device: string; total: number }[],
): Conflict {
  return {
    id: `void-after-claim:${orderId}`,
    kind: 'void-after-claim',
    orderId,
    claimIds: claims.map((c) => c.id),
    message: `order ${orderId} was voided by ${by} and settled as ${claims
      .map((c) => `${c.docNo} on ${c.device} (${c.total})`)
      .join(', ')}`,
    actions: claims.map((c) => ({
      kind: 'issue-credit-note',
      label: `refund document ${c.docNo} from ${c.device} with a credit note: the order stays voided`,
      claimId: c.id,
    })),
  };
}

function lineConflicts(day: DaySnapshot): Conflict[] {
  const found: Conflict[] = [];
  for (const line of day.lines.values()) {
    const orderId = rootOf(day, line.orderId);
    if (line.rawQty < 0) {
      found.push({
        id: `quantity-below-zero:${line.id}`,
        kind: 'quantity-below-zero',
        orderId,
        lineId: line.id,
        message: `${line.name}: concurrent decreases reached ${line.rawQty}; shown as 0`,
        actions: [
          {
            kind: 'correct-quantity',
            label: 'check the quantity with the table and correct it',
          },
        ],
      });
    }
    const excess = firedOf(day, line) - Math.max(0, line.rawQty);
    if (lineVoidOf(day, line) === null && excess > 0) {
      found.push({
        id: `over-fire:${line.id}`,
        kind: 'over-fire',
        orderId,
        lineId: line.id,
        message: `${line.name}: ${excess} more sent to the kitchen than ordered`,
        actions: [
          { kind: 'charge-extra', label: `add ${excess} to the order` },
          {
            kind: 'record-waste',
            label: `tell the kitchen, record ${excess} as waste`,
          },
        ],
      });
    }
  }
  return found;
}

function mergeConflicts(day: DaySnapshot): Conflict[] {
  const found: Conflict[] = [];
  for (const order of day.orders.values()) {
    if (!inMergeCycle(day, order.id)) continue;
    const root = rootOf(day, order.id);
    if (root !== order.id) continue;
    found.push({
      id: `merge-cycle:${root}`,
      kind: 'merge-cycle',
      orderId: root,
      message: `orders were merged into each other at the same time; all lines are now on ${root}`,
      actions: [
        { kind: 'check-orders', label: `check order ${root} with the tables` },
      ],
    });
  }
  return found;
}
