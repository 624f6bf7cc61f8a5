/**
 * The customer endpoints of the local API: search, create, attach to an
 * order, merge a duplicate pair. Paths and bodies are the issue's
 * contract; errors are the API's `{error: {code, message, field?}}`.
 */
import type { CustomerInput } from '@brigade/crdt-model';
import type { TillDocuments } from '../core/documents.ts';
import type { Loyalty } from '../core/loyalty.ts';
import { badRequest } from '../http/api-error.ts';
import type { Router } from '../http/router.ts';
import { translated } from './model-errors.ts';
import {
  type Body,
  integer,
  objectBody,
  optionalText,
  stringList,
  text,
} from './validate.ts';

function customerInput(b: Body): CustomerInput {
  const input: CustomerInput = { name: text(b, 'name', 100) };
  for (const field of ['phone', 'email', 'notes'] as const) {
    const value = b[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw badRequest('invalid-field', `${field} must be a string`, field);
    }
    input[field] = value;
  }
  const allergies = stringList(b, 'allergies');
  if (allergies) input.allergies = allergies;
  if (b.marketingConsent !== undefined) {
    if (typeof b.marketingConsent !== 'boolean') {
      throw badRequest(
        'invalid-field',
        'marketingConsent must be true or false',
        'marketingConsent',
      );
    }
    input.marketingConsent = b.marketingConsent;
  }
  return input;
}

export function registerCustomerRoutes(
  router: Router,
  docs: TillDocuments,
  loyalty: Loyalty,
): void {
  const book = docs.customers;
  router
    .on('GET', '/api/customers', ({ query }) => ({
      status: 200,
      body: {
        customers: book.search(query.get('q') ?? ''),
        duplicates: book.duplicates(),
      },
    }))
    .on('GET', '/api/customers/overdrawn', () => ({
      status: 200,
      body: { overdrawn: book.overdrawn() },
    }))
    .on('POST', '/api/customers', ({ body }) => {
      const input = customerInput(objectBody(body));
      const id = translated(() => book.createCustomer(input));
      const duplicates = book.duplicates().filter((d) => d.ids.includes(id));
      return {
        status: 201,
        body: { id, customer: book.customer(id), duplicates },
      };
    })
    .on('POST', '/api/orders/:id/customer', ({ params, body }) => {
      const customerId = text(objectBody(body), 'customerId', 100);
      const linked = loyalty.attach(params.id!, customerId);
      return {
        status: 200,
        body: { ...linked, customer: book.customer(linked.customerId) },
      };
    })
    .on('POST', '/api/orders/:id/redeem', ({ params, body }) => {
      const b = objectBody(body);
      const points = integer(b, 'points', { min: 1, max: 10_000_000 });
      const reason = text(b, 'reason', 200);
      const user = optionalText(b, 'user', 100) ?? book.device;
      return {
        status: 200,
        body: loyalty.redeem(params.id!, points, reason, user),
      };
    })
    .on('POST', '/api/customers/:id/erase', ({ params }) => {
      const erased = loyalty.erase(params.id!);
      return { status: 200, body: { erased } };
    })
    .on('POST', '/api/customers/merge', ({ body }) => {
      const b = objectBody(body);
      const keep = text(b, 'keep', 100);
      const drop = text(b, 'drop', 100);
      translated(() => book.merge({ keep, drop }));
      return { status: 200, body: { customer: book.customer(keep) } };
    });
}
