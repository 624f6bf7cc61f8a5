import { createSocket, type Socket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { encodeBeacon } from '../src/discovery/beacon.ts';
import { deriveBranchSecrets } from '../src/keys.ts';
import { LanProvider } from '../src/provider.ts';
import { dialTls } from '../src/transport/tls.ts';
import {
  BRANCH,
  branchKey,
  type Device,
  devices,
  FAST,
  sleep,
  stopAll,
  waitFor,
} from './helpers.ts';

let running: Device[] = [];
let extra: LanProvider[] = [];
let sockets: Socket[] = [];

test.after.each(async () => {
  await stopAll(running);
  await Promise.all(extra.map((p) => p.stop()));
  for (const s of sockets) s.close();
  running = [];
  extra = [];
  sockets = [];
});

/** TLS record content types in bytes received on a raw socket. */
function recordTypes(bytes: Buffer): number[] {
  const types: number[] = [];
  let at = 0;
  while (at + 5 <= bytes.length) {
    types.push(bytes[at] as number);
    at += 5 + bytes.readUInt16BE(at + 3);
  }
  return types;
}

async function udpSender(): Promise<Socket> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  sockets.push(socket);
  return socket;
}

function send(socket: Socket, bytes: Buffer, port: number): Promise<void> {
  return new Promise((resolve) =>
    socket.send(bytes, port, '127.0.0.1', () => resolve()),
  );
}

test('a peer with the wrong branch key completes no handshake and reads nothing', async () => {
  const key = branchKey();
  running = await devices(1, key);
  const [a] = running as [Device];
  a.doc.getMap('items').set('secret-dish', 'only for b1');
  await a.provider.start();

  const intruder = new LanProvider({
    ...FAST,
    device: 'dev-9',
    branch: BRANCH,
    role: 'till',
    branchKey: branchKey(),
    discovery: false,
    staticPeers: [`127.0.0.1:${a.provider.port}`],
    docs: { [`${BRANCH}/menu`]: new Y.Doc() },
  });
  extra.push(intruder);
  await intruder.start();
  await waitFor(
    'refused handshakes on both sides',
    () =>
      a.provider.counters().handshakeFailures >= 2 &&
      intruder.counters().dialFailures >= 2,
  );
  assert.is(a.provider.peers().length, 0);
  assert.is(intruder.peers().length, 0);
  assert.ok(intruder.counters().dialFailures >= 2);
  assert.is(intruder.doc(`${BRANCH}/menu`)?.getMap('items').size, 0);
  assert.is(intruder.counters().framesIn, 0);
});

test('the wrong key gets no application data record on the wire', async () => {
  running = await devices(1, branchKey());
  const [a] = running as [Device];
  a.doc.getMap('items').set('secret-dish', 'only for b1');
  await a.provider.start();

  // A relay in the middle records every byte the provider sends.
  const fromProvider: Buffer[] = [];
  const relay = createServer((client) => {
    const upstream = connect(a.provider.port, '127.0.0.1');
    upstream.on('data', (chunk) => {
      fromProvider.push(chunk);
      client.write(chunk);
    });
    client.on('data', (chunk) => upstream.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayPort = (relay.address() as { port: number }).port;

  const { psk } = deriveBranchSecrets(branchKey(), BRANCH);
  const outcome = await dialTls('127.0.0.1', relayPort, psk, 2000).then(
    () => 'connected',
    (e: Error & { code?: string }) => e.code ?? 'error',
  );
  await sleep(100);
  relay.close();
  assert.is.not(outcome, 'connected');
  const types = recordTypes(Buffer.concat(fromProvider));
  assert.ok(types.length > 0, 'the handshake started');
  assert.not.ok(types.includes(23), `record types ${types.join(',')}`);
  assert.is(a.provider.counters().framesOut, 0);
});

test('dialling with the wrong key fails', async () => {
  running = await devices(1, branchKey());
  await running[0]?.provider.start();
  const { psk } = deriveBranchSecrets(branchKey(), BRANCH);
  let failed = false;
  try {
    await dialTls('127.0.0.1', running[0]?.provider.port ?? 0, psk, 2000);
  } catch {
    failed = true;
  }
  assert.ok(failed);
});

test('forged, foreign and stale beacons are ignored, counted, and dial nothing', async () => {
  const key = branchKey();
  running = await devices(1, key, () => ({ beaconIntervalMs: 60_000 }));
  const [a] = running as [Device];
  await a.provider.start();

  // A TCP trap: any dial towards the advertised port would land here.
  let dials = 0;
  const trap = createServer((s) => {
    dials++;
    s.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  const trapPort = (trap.address() as { port: number }).port;

  const { discoveryPort } = a;
  const sender = await udpSender();
  const genuine = deriveBranchSecrets(key, BRANCH).beaconKey;
  const wrong = deriveBranchSecrets(branchKey(), BRANCH).beaconKey;
  const fields = {
    branch: BRANCH,
    device: 'dev-0x',
    role: 'till',
    port: trapPort,
    sentAt: Date.now(),
  };
  await send(sender, encodeBeacon(fields, wrong), discoveryPort);
  await send(
    sender,
    encodeBeacon({ ...fields, branch: 'b2' }, genuine),
    discoveryPort,
  );
  await send(
    sender,
    encodeBeacon({ ...fields, sentAt: Date.now() - 120_000 }, genuine),
    discoveryPort,
  );
  await send(sender, Buffer.from('not a beacon'), discoveryPort);
  await sleep(300);
  const counters = a.provider.counters();
  assert.equal(counters.beaconsRejected, {
    forged: 1,
    'foreign-branch': 1,
    stale: 1,
    malformed: 1,
  });
  assert.is(counters.beaconsAccepted, 0);
  assert.is(dials, 0);
  trap.close();
});

test('a replayed beacon is ignored', async () => {
  const key = branchKey();
  running = await devices(1, key, () => ({ beaconIntervalMs: 60_000 }));
  const [a] = running as [Device];
  await a.provider.start();
  const { discoveryPort } = a;
  const sender = await udpSender();
  const beacon = encodeBeacon(
    {
      branch: BRANCH,
      device: 'dev-5',
      role: 'kds',
      port: 9,
      sentAt: Date.now(),
    },
    deriveBranchSecrets(key, BRANCH).beaconKey,
  );
  await send(sender, beacon, discoveryPort);
  await sleep(100);
  assert.is(a.provider.counters().beaconsAccepted, 1);
  for (let i = 0; i < 3; i++) await send(sender, beacon, discoveryPort);
  await sleep(200);
  assert.is(a.provider.counters().beaconsAccepted, 1);
  assert.is(a.provider.counters().beaconsRejected.replayed, 3);
});

test.run();
