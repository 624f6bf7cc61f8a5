import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { CLOSE_CODES } from '../src/close-codes.ts';
import { DOC, encodeJson, JOURNAL } from '../src/sync/messages.ts';
import { dispose, join, side } from './session-harness.ts';

const MENU = 'b1/menu';
const DAY = 'b1/day/2026-12-03';

test('sends only what the other side is missing, both ways', () => {
  const a = side('a', 'b', [MENU]);
  const b = side('b', 'a', [MENU]);
  a.docs.get(MENU)?.doc.getMap('m').set('x', 1);
  b.docs.get(MENU)?.doc.getMap('m').set('y', 2);
  join(a, b);
  a.session.open();
  b.session.open();
  assert.equal(b.docs.get(MENU)?.doc.getMap('m').toJSON(), { x: 1, y: 2 });
  assert.equal(a.docs.get(MENU)?.doc.getMap('m').toJSON(), { x: 1, y: 2 });
  assert.is(a.session.state(), 'synced');
  assert.is(b.session.state(), 'synced');

  // A live edit travels as one update frame.
  const before = a.link.sent.length;
  a.docs.get(MENU)?.doc.getMap('m').set('z', 3);
  assert.is(a.link.sent.length, before + 1);
  assert.is(b.docs.get(MENU)?.doc.getMap('m').get('z'), 3);
  dispose(a, b);
});

test('answers a document it does not hold with absent, once', () => {
  const a = side('a', 'b', [MENU, DAY]);
  const b = side('b', 'a', [MENU]);
  join(a, b);
  a.session.open();
  b.session.open();
  const absent = b.link.sent.filter(
    (f) => f.channel === DAY && f.type === DOC.ABSENT,
  );
  assert.is(absent.length, 1);
  assert.is(a.session.state(), 'synced');

  // Edits of a document the peer lacks are not sent to it.
  const before = a.link.sent.length;
  a.docs.get(DAY)?.doc.getMap('orders').set('o1', 1);
  assert.is(a.link.sent.length, before);
  dispose(a, b);
});

test('a document added later on one side syncs on both', () => {
  const a = side('a', 'b', [MENU, DAY]);
  const b = side('b', 'a', [MENU]);
  a.docs.get(DAY)?.doc.getMap('orders').set('o1', 1);
  join(a, b);
  a.session.open();
  b.session.open();
  const day = new Y.Doc();
  day.getMap('orders').set('o2', 2);
  b.docs.add(DAY, day);
  assert.equal(day.getMap('orders').toJSON(), { o1: 1, o2: 2 });
  assert.equal(a.docs.get(DAY)?.doc.getMap('orders').toJSON(), {
    o1: 1,
    o2: 2,
  });
  assert.is(a.session.state(), 'synced');
  dispose(a, b);
});

test('exchanges journals by heads, in batches, in order', () => {
  const a = side('a', 'b', []);
  const b = side('b', 'a', []);
  a.journal.append(10);
  b.journal.append(3);
  a.hub.refresh();
  b.hub.refresh();
  join(a, b);
  a.session.open();
  b.session.open();
  assert.equal(b.journal.heads(), { a: 10, b: 3 });
  assert.equal(a.journal.heads(), { a: 10, b: 3 });
  const batches = a.link.sent.filter(
    (f) => f.type === JOURNAL.ENTRIES && f.channel === '#journal',
  );
  assert.is(batches.length, 3, 'batch of 4 entries at most');
  assert.is(a.session.state(), 'synced');

  // New local entries follow when the hub notices.
  a.journal.append(2);
  a.hub.refresh();
  assert.is(b.journal.heads().a, 12);
  dispose(a, b);
});

test('closes on entries that fail verification and stores none', () => {
  const a = side('a', 'b', []);
  const c = side('c', 'x', []);
  c.journal.append(3);
  const entries = c.journal.entriesAfter('c', 0, 3).map((e) => ({ ...e }));
  const second = entries[1];
  if (second) second.total = 5;
  a.session.receive({
    channel: '#journal',
    type: JOURNAL.ENTRIES,
    payload: encodeJson(entries),
  });
  assert.is(a.link.closedWith?.code, CLOSE_CODES.JOURNAL_REJECTED);
  assert.equal(a.journal.heads(), { a: 0 });
  dispose(a, c);
});

test('ignores everything once the session has been disposed', () => {
  const a = side('a', 'b', [MENU]);
  a.session.dispose();
  assert.not.ok(
    a.session.receive({ channel: '#nope', type: 0, payload: new Uint8Array() }),
  );
  assert.is(a.link.closedWith, undefined);
  dispose(a);
});

test.run();
