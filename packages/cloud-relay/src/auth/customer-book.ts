/**
 * The organisation's customer book over the sync endpoint. A guest visits
 * any branch of an organisation, so the relay keeps one book per
 * organisation. Devices still address it through their branch, as every
 * document (`/<branch>/customers`, the public y-websocket path), and the
 * relay serves every branch's address from the one room of the branch's
 * organisation, so tills of every branch sync the same document.
 *
 * Tills and waiters attach guests to orders; dashboards read; admins
 * write. A kitchen screen has no use for names, phone numbers or
 * allergies beyond what a ticket's note carries, so it is refused.
 */
import type { Role } from './token.ts';

/** Roles that may open the customer book. */
export const CUSTOMER_BOOK_ROLES: ReadonlySet<Role> = new Set([
  'till',
  'waiter',
  'dashboard',
  'admin',
]);

/** True if `docName` is a branch's address of its organisation's book. */
export function isCustomerBook(branch: string, docName: string): boolean {
  return docName === `${branch}/customers`;
}

/**
 * The room (and storage key) of `org`'s customer book. It starts with `!`,
 * which no sync path may hold, so no branch can name a document that
 * lands in it, and no book kept per branch before (`<branch>/customers`)
 * is mistaken for an organisation's.
 */
export function customerBookRoom(org: string): string {
  return `!org/${org}/customers`;
}
