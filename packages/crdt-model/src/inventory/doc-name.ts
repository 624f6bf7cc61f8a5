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
 * The name under which a branch's devices address their organisation's
 * customer book: `<branch>/customers`. A guest visits any branch of the
 * organisation, so there is one book per organisation; every branch
 * names it through itself, as it names every document, and the relay
 * serves each branch's name from its organisation's one book (the
 * cloud-relay README, "Customers"), so tills of every branch sync it.
 */
export function customersDocName(branch: string): string {
  return `${checkName(branch, 'branch')}/customers`;
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
