/**
 * Child of the crash test: a till that settles orders in a loop until it
 * is killed. On start it reconciles missing claims, as a till does; its
 * claim sink is a file of sequence numbers (the CRDT is not the store's).
 *
 *   tsx crash-child.ts DIR CLAIMS_FILE
 */
import { appendFileSync } from 'node:fs';
import { type JournalEntry, Store } from '../src/index.ts';
import { BRANCH, DAY, DEVICE, salePayload } from './journal-fixtures.ts';

const [dir = '', claimsFile = ''] = process.argv.slice(2);
const store = Store.open({ dir, device: DEVICE, branch: BRANCH });
const writeClaim = (entry: JournalEntry) =>
  appendFileSync(claimsFile, `${entry.seq}\n`);
store.reconcileClaims(writeClaim);

// "ready" follows the first settlement, so every run adds at least one
// entry and the kill lands while the loop is busy.
const who = { user: 'cashier-1', businessDate: DAY };
for (let i = 0; ; i++) {
  const invoice = salePayload(`o-${process.pid}-${i}`);
  store.settle({ ...who, invoice }, writeClaim);
  if (i === 0) process.stdout.write('ready\n');
  if (i % 17 === 5) {
    store.record({ ...who, kind: 'drawer-open', reason: 'no sale', amount: 0 });
  }
  if (i % 50 === 49) store.closeDay(who);
}
