import { ModelError } from '../errors.ts';
import { isValidId } from '../ids.ts';

/**
 * The name of a branch's inventory document: `<branch>/inventory`. Stock
 * is per branch (each kitchen has its own shelves) and outlives business
 * days, so it has its own document beside the menu and the days.
 */
export function inventoryDocName(branch: string): string {
  return `${checkName(branch, 'branch')}/inventory`;
}

/**
 * The name of an organisation's customer book: `<org>/customers`. A guest
 * visits any branch of the organisation, so the book is one document
 * shared by every branch.
 */
export function customersDocName(org: string): string {
  return `${checkName(org, 'organisation')}/customers`;
}

function checkName(name: string, what: string): string {
  if (!isValidId(name)) {
    throw new ModelError(
      'invalid-argument',
      `${what} must be 1-100 of [A-Za-z0-9_:-]: ${JSON.stringify(name)}`,
    );
  }
  return name;
}
