import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { CustomerBook, onErasedWrite, yjsEngine } from '../src/index.ts';

/** A book on its own document, with a fixed Yjs client id. */
function replica(device: string, client: number) {
  const doc = new Y.Doc();
  doc.clientID = client;
  const engine = yjsEngine(doc);
  return { doc, engine, book: new CustomerBook(engine, { device }) };
}

function send(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

test('names the erased records a change from another device wrote to, whether the stale edit won or lost', () => {
  // Of two concurrent writes to a field, Yjs keeps the higher client's:
  // the stale edit loses to the erasure's blank (1 < 5), then wins (9).
  for (const client of [1, 9]) {
    const here = replica('relay', 2);
    const there = replica('till-1', 5);
    const stale = replica('till-2', client);
    const id = there.book.createCustomer({ name: 'Ines Marr' });
    const other = there.book.createCustomer({ name: 'Kept Guest' });
    send(there.doc, here.doc);
    send(there.doc, stale.doc);

    const seen: string[][] = [];
    const stop = onErasedWrite(here.engine, (ids) => seen.push(ids));
    here.book.updateCustomer(other, { notes: 'local, not erased' });
    there.book.updateCustomer(other, { notes: 'remote, not erased' });
    send(there.doc, here.doc);
    assert.equal(seen, [], 'nothing erased was written');

    there.book.erase(id);
    send(there.doc, here.doc);
    assert.equal(seen, [[id]], 'the erasure');

    stale.book.updateCustomer(id, { phone: '+44 7700 900111' });
    send(stale.doc, here.doc);
    assert.equal(seen, [[id], [id]], `the stale edit (client ${client})`);
    // The view hides an erased record's fields; the stored one (`ph`) says.
    const won = here.engine.record('customers', id)?.fields.ph != null;
    assert.is(won, client > 5, 'the race went the way the test means');

    here.book.erase(id);
    assert.is(seen.length, 2, 'a local write is left to its writer');
    stop();
    for (const r of [here, there, stale]) {
      r.book.close();
      r.doc.destroy();
    }
  }
});

test.run();
