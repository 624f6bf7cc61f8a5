/** Settlement operations of a service day: claim, credit. */
import { ModelError } from '../errors.ts';
import { hash53 } from '../hash.ts';
import { type ClaimId, deviceId, type OrderId } from '../ids.ts';
import {
  type InvoiceSnapshot,
  invoiceDigest,
  invoiceOf,
} from '../views/invoice.ts';
import * as check from './checks.ts';
import { type DayContext, orderOf, writableOrder } from './context.ts';
import { CLAIM, claimFields, T } from './records.ts';

export interface ClaimInput {
  orderId: OrderId;
  /** Fiscal document number of the settlement on its device. */
  docNo: string | number;
  /** The total settled, in minor units. */
  total: number;
  /** The settling device; default this day's device. */
  device?: string;
  /** The invoice journaled; default the order's invoice right now. */
  invoice?: InvoiceSnapshot;
  /**
   * True when the settlement is already in the fiscal journal (start-up
   * reconciliation): the claim is written whatever the order's state, so a
   * clash shows as a conflict instead of being lost.
   */
  journaled?: boolean;
}

/**
 * Records that a device settled the order under a fiscal document number.
 * The claim id follows from (device, docNo), so recording the same claim
 * twice is harmless. A second, different claim on the order is refused
 * (`order-settled`) unless `journaled`; then it shows in `conflicts()`.
 */
export function claimSettlement(ctx: DayContext, input: ClaimInput): ClaimId {
  const device = deviceId(input.device ?? ctx.device);
  const docNo = check.nonEmpty(String(input.docNo), 'docNo', 100);
  const total = check.amount(input.total, 'total');
  const order = orderOf(ctx.state, input.orderId);
  const id = `c-${hash53(`${device}\n${docNo}`)}` as ClaimId;
  const existing = ctx.state.claims.get(id);
  if (existing) return id;
  if (!input.journaled) writableOrder(ctx.state, order.id);
  const invoice = input.invoice ?? invoiceOf(ctx.state, order.id)!;
  ctx.write((tx) =>
    tx.create(
      T.claims,
      id,
      claimFields({
        orderId: order.id,
        device,
        docNo,
        total,
        digest: invoiceDigest(invoice),
        at: ctx.now(),
      }),
    ),
  );
  return id;
}

/**
 * Records that a credit note cancelled a settlement claim, resolving the
 * conflicts it caused; an order whose claims are all credited is open
 * again and can be settled anew. Crediting a claim twice keeps the first
 * credit note.
 */
export function creditClaim(
  ctx: DayContext,
  input: {
    claimId: ClaimId;
    creditDocNo: string | number;
    device?: string;
  },
): void {
  const device = deviceId(input.device ?? ctx.device);
  const docNo = check.nonEmpty(String(input.creditDocNo), 'creditDocNo', 100);
  const claim = ctx.state.claims.get(input.claimId);
  if (!claim) {
    throw new ModelError('unknown-claim', `no claim ${input.claimId}`);
  }
  if (claim.credited) return;
  ctx.write((tx) =>
    tx.set(T.claims, claim.id, CLAIM.credited, {
      docNo,
      device,
      at: ctx.now(),
    }),
  );
}
