/**
 * The local API: one route per endpoint of the issue, bodies checked at
 * the edge, then one call into the till's core. Paths, bodies, status
 * codes and response shapes are a public contract: fields may be added,
 * never renamed.
 */
import { STATUSES, type TicketStatus } from '@brigade/crdt-model';
import type { Payment } from '@brigade/store';
import type { Fiscal } from '../core/fiscal.ts';
import type { Loyalty } from '../core/loyalty.ts';
import type { AddLineRequest, TillCore } from '../core/till-core.ts';
import { badRequest } from '../http/api-error.ts';
import type { Router } from '../http/router.ts';
import type { TillStatus } from '../sync/status.ts';
import {
  type Body,
  integer,
  objectBody,
  objectList,
  optionalInteger,
  optionalText,
  stringList,
  text,
  within,
} from './validate.ts';

export interface ApiDeps {
  core: TillCore;
  fiscal: Fiscal;
  status: () => TillStatus;
  /** The device id, the default `user` of journalled actions. */
  device: string;
  /** Customers and stock around settlements and credit notes (issue 7). */
  loyalty?: Loyalty;
}

const ORDER_STATUSES = ['open', 'settled', 'merged', 'carried', 'voided'];

export function registerRoutes(router: Router, deps: ApiDeps): void {
  const { core, fiscal } = deps;
  const ok = (body: unknown) => ({ status: 200, body });
  const created = (body: unknown) => ({ status: 201, body });
  const userOf = (body: Body) => optionalText(body, 'user', 100) ?? deps.device;

  router
    .on('GET', '/api/status', () => ok(deps.status()))
    .on('GET', '/api/menu', () => ok(core.menu()))
    .on('POST', '/api/orders', ({ body }) => {
      const b = objectBody(body);
      const table = text(b, 'table', 50);
      const guests = optionalInteger(b, 'guests', { min: 1, max: 999 });
      return created({ id: core.openOrder(table, guests) });
    })
    .on('GET', '/api/orders', ({ query }) => {
      const status = query.get('status') ?? undefined;
      if (status !== undefined && !ORDER_STATUSES.includes(status)) {
        throw badRequest(
          'invalid-field',
          `status must be one of ${ORDER_STATUSES.join(', ')}`,
          'status',
        );
      }
      return ok({ orders: core.orders(status) });
    })
    .on('GET', '/api/orders/:id', ({ params }) => ok(core.order(params.id!)))
    .on('POST', '/api/orders/:id/void', ({ params, body }) => {
      const b = objectBody(body);
      return created(core.voidOrder(params.id!, text(b, 'reason'), userOf(b)));
    })
    .on('POST', '/api/orders/:id/lines', ({ params, body }) => {
      const line = addLineRequest(objectBody(body));
      return created({ id: core.addLine(params.id!, line) });
    })
    .on('POST', '/api/lines/:id/qty', ({ params, body }) => {
      const b = objectBody(body);
      const delta = integer(b, 'delta', { min: -999, max: 999 });
      if (delta === 0) {
        throw badRequest('invalid-field', 'delta must not be 0', 'delta');
      }
      core.changeQuantity(params.id!, delta);
      return ok({ id: params.id });
    })
    .on('POST', '/api/lines/:id/void', ({ params, body }) => {
      const b = objectBody(body);
      core.voidLine(params.id!, text(b, 'reason'), userOf(b));
      return ok({ id: params.id });
    })
    .on('POST', '/api/lines/:id/move', ({ params, body }) => {
      const b = objectBody(body);
      core.moveLine(params.id!, text(b, 'orderId', 100));
      return ok({ id: params.id });
    })
    .on('POST', '/api/orders/:id/send', ({ params, body }) => {
      const b = objectBody(body, true);
      const course = optionalInteger(b, 'course', { min: 0, max: 99 });
      return created({ tickets: core.sendToKitchen(params.id!, course) });
    })
    .on('POST', '/api/tickets/:id/status', ({ params, body }) => {
      const status = text(objectBody(body), 'status', 20);
      if (!STATUSES.includes(status as TicketStatus)) {
        throw badRequest(
          'invalid-field',
          `status must be one of ${STATUSES.join(', ')}`,
          'status',
        );
      }
      return ok(core.setTicketStatus(params.id!, status as TicketStatus));
    })
    .on('POST', '/api/tickets/:id/recall', ({ params }) =>
      ok(core.recallTicket(params.id!)),
    )
    .on('POST', '/api/orders/:id/settle', ({ params, body }) => {
      const b = objectBody(body);
      const payments = paymentsOf(b);
      const result = fiscal.settle(params.id!, payments, userOf(b));
      const points = deps.loyalty?.afterSettle(
        params.id!,
        result.docNo,
        result.totals.total,
        userOf(b),
      );
      if (!points) return created(result);
      const line = `Loyalty: +${points.earned} points, balance ${points.balance}`;
      return created({
        ...result,
        loyalty: points,
        receipt: `${result.receipt}\n${line}\n`,
      });
    })
    .on('POST', '/api/invoices/:docNo/credit', ({ params, body }) => {
      const b = objectBody(body);
      const reason = text(b, 'reason');
      const lines =
        b.lines === undefined || b.lines === null
          ? undefined
          : objectList(b, 'lines').map(([line, path]) =>
              within(path, () => ({
                lineId: text(line, 'lineId', 100),
                qty: integer(line, 'qty', { min: 1 }),
              })),
            );
      if (b.restock !== undefined && typeof b.restock !== 'boolean') {
        throw badRequest(
          'invalid-field',
          'restock must be a boolean',
          'restock',
        );
      }
      const result = fiscal.credit(params.docNo!, reason, lines, userOf(b));
      const loyalty = deps.loyalty;
      if (!loyalty) return created(result);
      const restocked =
        b.restock === true
          ? loyalty.restock(params.docNo!, result.docNo, lines)
          : 0;
      const pointsReversed = loyalty.afterCredit(
        params.docNo!,
        result.docNo,
        result.total,
        userOf(b),
      );
      return created({ ...result, restocked, pointsReversed });
    })
    .on('POST', '/api/invoices/:docNo/reprint', ({ params, body }) => {
      const b = objectBody(body, true);
      return created(fiscal.reprint(params.docNo!, userOf(b)));
    })
    .on('GET', '/api/day/x', () => ok(fiscal.xReport()))
    .on('POST', '/api/day/close', ({ body }) => {
      const b = objectBody(body, true);
      return created(fiscal.closeDay(userOf(b)));
    })
    .on('GET', '/api/conflicts', () => ok({ conflicts: core.conflicts() }));
}

function addLineRequest(b: Body): AddLineRequest {
  const line: AddLineRequest = { itemId: text(b, 'itemId', 100) };
  const qty = optionalInteger(b, 'qty', { min: 1, max: 999 });
  const modifiers = stringList(b, 'modifiers');
  const note = optionalText(b, 'note', 500);
  const seat = optionalInteger(b, 'seat', { min: 0, max: 999 });
  const course = optionalInteger(b, 'course', { min: 0, max: 99 });
  if (qty !== undefined) line.qty = qty;
  if (modifiers !== undefined) line.modifiers = modifiers;
  if (note !== undefined) line.note = note;
  if (seat !== undefined) line.seat = seat;
  if (course !== undefined) line.course = course;
  return line;
}

function paymentsOf(b: Body): Payment[] {
  const list = objectList(b, 'payments');
  if (list.length === 0) {
    throw badRequest('invalid-field', 'payments must not be empty', 'payments');
  }
  return list.map(([p, path]) =>
    within(path, () => ({
      method: text(p, 'method', 40),
      amount: integer(p, 'amount', { min: 1 }),
    })),
  );
}
