/**
 * Child process of the store tests: opens a data folder the way a till
 * does and reports what happened as one JSON line, so a test can run it
 * as another user (a read-only folder means nothing to root).
 *
 *   tsx store-child.ts settle DIR    open writable and settle one order
 *   tsx store-child.ts verify DIR    open read-only and verify
 */
import { Store, StoreError } from '../src/index.ts';
import { BRANCH, DAY, DEVICE, salePayload } from './journal-fixtures.ts';

const [mode, dir = ''] = process.argv.slice(2);
let result: Record<string, unknown>;
try {
  if (mode === 'verify') {
    const store = Store.open({ dir, readonly: true });
    result = { ok: store.verify().ok, entries: store.journal.headSeq() };
    store.close();
  } else {
    const store = Store.open({ dir, device: DEVICE, branch: BRANCH });
    try {
      const invoice = salePayload('o-child');
      store.settle({ user: 'u', businessDate: DAY, invoice });
      result = { ok: true };
    } finally {
      store.close();
    }
  }
} catch (error) {
  result = {
    ok: false,
    code: error instanceof StoreError ? error.code : String(error),
    message: String((error as Error).message),
  };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
