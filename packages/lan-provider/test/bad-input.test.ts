import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { CLOSE_CODES } from '../src/close-codes.ts';
import type { InputRejected } from '../src/events.ts';
import { encodeFrame } from '../src/framing/frame.ts';
import { deriveBranchSecrets } from '../src/keys.ts';
import { DOC } from '../src/sync/messages.ts';
import { encodeUpdate } from '../src/sync/y-messages.ts';
import { dialTls } from '../src/transport/tls.ts';
import {
  BRANCH,
  branchKey,
  type Device,
  devices,
  fullyConnected,
  rawPeer,
  stopAll,
  waitFor,
} from './helpers.ts';

const MENU = `${BRANCH}/menu`;
const key = branchKey();
let pair: Device[] = [];
const rejected: InputRejected[] = [];

test.before(async () => {
  pair = await devices(2, key);
  await Promise.all(pair.map((d) => d.provider.start()));
  await waitFor('pair connected', () => fullyConnected(pair));
  pair[0]?.provider.on('input-rejected', (r) => rejected.push(r));
  pair[0]?.doc.getMap('items').set('coffee', 250);
  await waitFor('pair synced', () => pair[1]?.doc.getMap('items').size === 1);
});

test.after(() => stopAll(pair));

function frame(channel: string, type: number, payload: Uint8Array): Buffer {
  return encodeFrame({ channel, type, payload });
}

function lengthOnly(length: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(length, 0);
  return bytes;
}

const validUpdate = (() => {
  const doc = new Y.Doc();
  doc.getMap('items').set('tea', 180);
  return Y.encodeStateAsUpdate(doc);
})();

const cases: [string, Buffer, number][] = [
  [
    'an oversized frame',
    lengthOnly(17 * 1024 * 1024),
    CLOSE_CODES.FRAME_TOO_LARGE,
  ],
  [
    'a body shorter than its headers',
    Buffer.concat([lengthOnly(3), Buffer.from([9, 97, 97])]),
    CLOSE_CODES.FRAME_TRUNCATED,
  ],
  [
    'a channel name that is not UTF-8',
    Buffer.concat([lengthOnly(3), Buffer.from([1, 0xff, 0])]),
    CLOSE_CODES.FRAME_MALFORMED,
  ],
  [
    'an unknown reserved channel',
    frame('#telemetry', 0, new Uint8Array()),
    CLOSE_CODES.UNKNOWN_CHANNEL,
  ],
  [
    'an unknown document message type',
    frame(MENU, 9, new Uint8Array()),
    CLOSE_CODES.UNKNOWN_MESSAGE,
  ],
  [
    'an unknown control message type',
    frame('#control', 42, new Uint8Array()),
    CLOSE_CODES.UNKNOWN_MESSAGE,
  ],
  [
    'an unknown sync message type',
    frame(MENU, DOC.SYNC, new Uint8Array([7, 0])),
    CLOSE_CODES.UNKNOWN_MESSAGE,
  ],
  [
    'a sync message with a broken update',
    frame(MENU, DOC.SYNC, new Uint8Array([2, 3, 1, 2, 3])),
    CLOSE_CODES.MESSAGE_MALFORMED,
  ],
  [
    'an update with trailing bytes',
    frame(
      MENU,
      DOC.SYNC,
      Buffer.concat([encodeUpdate(validUpdate), Buffer.from([0])]),
    ),
    CLOSE_CODES.MESSAGE_MALFORMED,
  ],
  [
    'a broken awareness update',
    frame(MENU, DOC.AWARENESS, new Uint8Array([1, 5, 1, 3, 123, 34, 120])),
    CLOSE_CODES.MESSAGE_MALFORMED,
  ],
  [
    'journal heads that are not JSON',
    frame('#journal', 0, Buffer.from('{nope')),
    CLOSE_CODES.MESSAGE_MALFORMED,
  ],
  [
    'a second hello',
    frame('#control', 0, Buffer.from('{}')),
    CLOSE_CODES.PROTOCOL_VIOLATION,
  ],
];

for (const [what, bytes, code] of cases) {
  test(`closes a peer that sends ${what}, and changes nothing`, async () => {
    const [a, b] = pair as [Device, Device];
    const before = Y.encodeStateAsUpdate(a.doc);
    const peer = await rawPeer(a.provider.port, key);
    await waitFor('raw peer admitted', () => a.provider.peers().length === 2);
    peer.write(bytes);
    assert.is(await peer.closed, code);
    assert.equal(Y.encodeStateAsUpdate(a.doc), before);
    assert.is(rejected.at(-1)?.code, code);
    assert.is(rejected.at(-1)?.device, 'raw-peer');

    // The provider keeps serving its real peer.
    const stamp = `${code}-${Date.now()}`;
    b.doc.getMap('items').set(stamp, 1);
    await waitFor('edit still arrives', () => a.doc.getMap('items').has(stamp));
  });
}

test('closes a peer whose stream ends inside a frame', async () => {
  const [a] = pair as [Device];
  const peer = await rawPeer(a.provider.port, key);
  await waitFor('raw peer admitted', () => a.provider.peers().length === 2);
  const count = rejected.length;
  peer.write(frame(MENU, DOC.SYNC, encodeUpdate(validUpdate)).subarray(0, 10));
  peer.end();
  await peer.closed;
  await waitFor('rejection counted', () => rejected.length === count + 1);
  assert.is(rejected.at(-1)?.code, CLOSE_CODES.FRAME_TRUNCATED);
  assert.not.ok(a.doc.getMap('items').has('tea'));
});

test('closes a peer that sends anything before its hello', async () => {
  const [a] = pair as [Device];
  const { psk } = deriveBranchSecrets(key, BRANCH);
  const link = await dialTls('127.0.0.1', a.provider.port, psk, 2000);
  const closed = new Promise((resolve) => link.tls.on('close', resolve));
  link.tls.on('error', () => {});
  link.tls.resume();
  link.tls.write(frame(MENU, DOC.SYNC, encodeUpdate(validUpdate)));
  await closed;
  assert.is(rejected.at(-1)?.code, CLOSE_CODES.PROTOCOL_VIOLATION);
  assert.not.ok(a.doc.getMap('items').has('tea'));
});

test('counts rejected input by reason', () => {
  const counters = pair[0]?.provider.counters();
  assert.is(counters?.rejectedInput.FRAME_TOO_LARGE, 1);
  assert.is(counters?.rejectedInput.UNKNOWN_MESSAGE, 3);
  assert.is(counters?.rejectedInput.MESSAGE_MALFORMED, 4);
});

test.run();
