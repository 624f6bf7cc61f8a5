/**
 * The cash drawer's endpoints: the cash it should hold, a "no sale"
 * opening and cash in or out.
 * Bodies are checked at the edge; a refusal names the field and journals
 * nothing.
 */
import {
  CASH_DIRECTIONS,
  type CashDirection,
  type CashDrawer,
} from '../core/cash-drawer.ts';
import { badRequest } from '../http/api-error.ts';
import type { Router } from '../http/router.ts';
import {
  type Body,
  integer,
  objectBody,
  optionalText,
  text,
} from './validate.ts';

export function registerDrawerRoutes(
  router: Router,
  drawer: CashDrawer,
  device: string,
): void {
  const created = (body: unknown) => ({ status: 201, body });
  const userOf = (body: Body) => optionalText(body, 'user', 100) ?? device;

  router
    .on('GET', '/api/drawer', () => ({ status: 200, body: drawer.cash() }))
    .on('POST', '/api/drawer/open', ({ body }) => {
      const b = objectBody(body);
      return created(drawer.open(text(b, 'reason'), userOf(b)));
    })
    .on('POST', '/api/cash', ({ body }) => {
      const b = objectBody(body);
      const direction = directionOf(b);
      const amount = integer(b, 'amount', { min: 1 });
      const reason = text(b, 'reason');
      const result = drawer.move(direction, amount, reason, userOf(b));
      return created({ ...result, direction });
    });
}

function directionOf(b: Body): CashDirection {
  const value = b.direction;
  if (!CASH_DIRECTIONS.includes(value as CashDirection)) {
    throw badRequest(
      'invalid-field',
      `direction must be one of ${CASH_DIRECTIONS.join(', ')}`,
      'direction',
    );
  }
  return value as CashDirection;
}
