/**
 * How the customer book names an order, and how a guest's link follows an
 * order carried into the next business day. The book links a customer to
 * `<branch>/<date>/<orderId>`; a carried order keeps its id but lives in
 * the next day's document, so its link is added under the new date too
 * (the old reference stays: the order was open on both days).
 */
import type { CustomerBook } from './customer-book.ts';

/** `<branch>/<date>/<orderId>`: the book's name of an order. */
export function orderRefOf(
  branch: string,
  date: string,
  orderId: string,
): string {
  return `${branch}/${date}/${orderId}`;
}

/**
 * Links the customer of each order carried from `from` to `to` under the
 * new date; returns how many orders it linked. Idempotent (a set union),
 * so every till of a branch may run it at the same rollover. An order
 * whose customer was erased stays unlinked: an erased record takes no new
 * orders.
 */
export function carryCustomerLinks(
  book: CustomerBook,
  carried: { branch: string; from: string; to: string; orderIds: string[] },
): number {
  const { branch, from, to } = carried;
  let linked = 0;
  for (const orderId of carried.orderIds) {
    const customerId = book.customerOfOrder(orderRefOf(branch, from, orderId));
    if (!customerId || book.customer(customerId)?.erased) continue;
    book.attachOrder({ customerId, orderRef: orderRefOf(branch, to, orderId) });
    linked += 1;
  }
  return linked;
}
