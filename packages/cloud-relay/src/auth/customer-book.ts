/**
 * Who may open a branch's customer book (`<branch>/customers`) over the
 * sync endpoint. Tills and waiters attach guests to orders and managers
 * read the reports; a kitchen screen has no use for names, phone numbers
 * or allergies beyond what a ticket's note carries, so it is refused.
 */
import type { Role } from './token.ts';

/** Roles that may open the customer book. */
export const CUSTOMER_BOOK_ROLES: ReadonlySet<Role> = new Set([
  'till',
  'waiter',
  'dashboard',
  'admin',
]);

/** True if `docName` is the customer book of `branch`. */
export function isCustomerBook(branch: string, docName: string): boolean {
  return docName === `${branch}/customers`;
}
