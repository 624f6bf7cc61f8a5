import { STATUSES } from '../day/records.ts';
import type { ServiceDay } from '../day/service-day.ts';
import { ModelError } from '../errors.ts';
import type { ClaimId, LineId, OrderId, TicketId } from '../ids.ts';
import type { Menu } from '../menu/menu.ts';
import type { Prng } from './prng.ts';

/** Options for one item that satisfy each modifier group's min and max. */
export function randomModifiers(
  prng: Prng,
  menu: Menu,
  itemId: string,
): string[] {
  const item = menu.items.find((i) => i.id === itemId)!;
  const chosen: string[] = [];
  for (const groupId of item.modifierGroupIds) {
    const group = menu.modifierGroups.find((g) => g.id === groupId)!;
    const count = prng.int(group.min, group.max);
    const options = [...group.options];
    for (let i = 0; i < count; i++) {
      const [option] = options.splice(prng.int(0, options.length - 1), 1);
      chosen.push(option!.id);
    }
  }
  return chosen;
}

type Op = (prng: Prng, day: ServiceDay, menu: Menu) => void;

const pickOrder = (prng: Prng, day: ServiceDay): OrderId =>
  pick(prng, [...day.snapshot().orders.keys()]);
const pickLine = (prng: Prng, day: ServiceDay): LineId =>
  pick(prng, [...day.snapshot().lines.keys()]);
const pickTicket = (prng: Prng, day: ServiceDay): TicketId =>
  pick(prng, [...day.snapshot().tickets.keys()]);

const pickClaim = (prng: Prng, day: ServiceDay): ClaimId =>
  pick(prng, [...day.snapshot().claims.keys()]);

const ops: [number, Op][] = [
  [
    1,
    (prng, day) =>
      void day.openOrder({
        table: String(prng.int(1, 6)),
        guests: prng.int(1, 4),
      }),
  ],
  [
    4,
    (prng, day, menu) => {
      const item = prng.pick(menu.items.filter((i) => i.available));
      day.addLine({
        orderId: pickOrder(prng, day),
        itemId: item.id,
        qty: prng.int(1, 3),
        modifiers: randomModifiers(prng, menu, item.id),
        course: prng.chance(0.3) ? prng.int(1, 3) : null,
      });
    },
  ],
  [
    3,
    (prng, day) =>
      day.changeQuantity({
        lineId: pickLine(prng, day),
        delta: prng.pick([-2, -1, 1, 1, 2]),
      }),
  ],
  [
    0.6,
    (prng, day) =>
      day.voidLine({ lineId: pickLine(prng, day), reason: 'random' }),
  ],
  [
    0.15,
    (prng, day) =>
      void day.voidOrder({ orderId: pickOrder(prng, day), reason: 'random' }),
  ],
  [
    0.6,
    (prng, day) =>
      day.moveLine({
        lineId: pickLine(prng, day),
        toOrderId: pickOrder(prng, day),
      }),
  ],
  [
    0.4,
    (prng, day) =>
      day.transferOrder({
        orderId: pickOrder(prng, day),
        table: String(prng.int(1, 9)),
      }),
  ],
  [
    0.4,
    (prng, day) =>
      day.mergeOrders({
        from: pickOrder(prng, day),
        into: pickOrder(prng, day),
      }),
  ],
  [
    0.6,
    (prng, day) =>
      void day.splitLine({ lineId: pickLine(prng, day), qty: prng.int(1, 2) }),
  ],
  [
    0.5,
    (prng, day) =>
      day.setDiscount({
        orderId: pickOrder(prng, day),
        discount: prng.chance(0.5)
          ? { kind: 'percent', basisPoints: prng.pick([500, 1000, 1250]) }
          : { kind: 'amount', amount: prng.int(0, 500) },
      }),
  ],
  [
    0.3,
    (prng, day) =>
      day.setServiceCharge({
        orderId: pickOrder(prng, day),
        serviceCharge: prng.chance(0.8)
          ? { kind: 'percent', basisPoints: 1250 }
          : null,
      }),
  ],
  [2, (prng, day) => void day.sendToKitchen({ orderId: pickOrder(prng, day) })],
  [
    2,
    (prng, day) =>
      day.advanceTicket({
        ticketId: pickTicket(prng, day),
        status: prng.pick(STATUSES.slice(1)),
      }),
  ],
  [0.4, (prng, day) => day.recallTicket({ ticketId: pickTicket(prng, day) })],
  [
    0.7,
    (prng, day) => {
      const orderId = pickOrder(prng, day);
      const total = day.order(orderId)!.totals.total;
      day.claimSettlement({
        orderId,
        docNo: `${day.device}-${prng.int(1, 1e6)}`,
        total,
      });
    },
  ],
  [
    0.3,
    (prng, day) =>
      day.creditClaim({
        claimId: pickClaim(prng, day),
        creditDocNo: `${day.device}-cn-${prng.int(1, 1e6)}`,
      }),
  ],
];

/**
 * Applies one random operation to a day. Many are refused (an order that
 * is settled, a line that is voided); a refusal is part of the test, so it
 * is returned rather than thrown. Anything else that throws is a bug.
 */
export function randomOperation(
  prng: Prng,
  day: ServiceDay,
  menu: Menu,
): 'done' | 'refused' | 'skipped' {
  const op = day.snapshot().orders.size < 2 ? ops[0]![1] : prng.weighted(ops);
  try {
    op(prng, day, menu);
    return 'done';
  } catch (error) {
    if (error instanceof ModelError) return 'refused';
    if (error instanceof NothingToPick) return 'skipped';
    throw error;
  }
}

class NothingToPick extends Error {}

function pick<T>(prng: Prng, items: T[]): T {
  if (items.length === 0) throw new NothingToPick();
  return prng.pick(items);
}
