import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import type { PeerDisconnected } from '../src/events.ts';
import { encodeFrame } from '../src/framing/frame.ts';
import { LanProvider } from '../src/provider.ts';
import { DOC } from '../src/sync/messages.ts';
import { encodeStep1 } from '../src/sync/y-messages.ts';
import {
  BRANCH,
  branchKey,
  devices,
  FAST,
  rawPeer,
  sleep,
  waitFor,
} from './helpers.ts';

const fixture = fileURLToPath(
  new URL('./fixtures/lan-host.ts', import.meta.url),
);
const root = fileURLToPath(new URL('../../../', import.meta.url));

test('notices a frozen peer within a few seconds and reconnects when it thaws', async () => {
  const key = branchKey();
  const [a] = await devices(1, key, () => ({
    heartbeatMs: 300,
    deadAfterMs: 1500,
  }));
  if (!a) throw new Error('no device');
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const replies = createInterface({ input: child.stdout });
    const started = new Promise((resolve) => replies.once('line', resolve));
    child.stdin.write(
      `${JSON.stringify({
        cmd: 'start',
        device: 'host-frozen',
        key: key.toString('hex'),
        broadcast: '127.255.255.255',
        port: 0,
        discoveryPort: a.discoveryPort,
      })}\n`,
    );
    await started;
    await a.provider.start();
    await waitFor('connected', () => a.provider.peers().length === 1);

    const gone = a.provider.once('peer-disconnected');
    const frozenAt = Date.now();
    child.kill('SIGSTOP');
    const left: PeerDisconnected = await gone;
    const noticedIn = Date.now() - frozenAt;
    assert.is(left.codeName, 'HEARTBEAT_TIMEOUT');
    assert.ok(noticedIn < 2500, `noticed after ${noticedIn} ms`);

    child.kill('SIGCONT');
    await waitFor('reconnected', () => a.provider.peers().length === 1, 15_000);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await a.provider.stop();
  }
});

test('closes a peer that stops reading once its unread bytes pass the limit', async () => {
  const key = branchKey();
  // The raw peer sends no heartbeats: only the buffer limit may close it.
  const [a] = await devices(1, key, () => ({
    maxBufferedBytes: 256 * 1024,
    deadAfterMs: 60_000,
  }));
  if (!a) throw new Error('no device');
  await a.provider.start();
  const peer = await rawPeer(a.provider.port, key);
  try {
    peer.write(
      encodeFrame({
        channel: `${BRANCH}/menu`,
        type: DOC.SYNC,
        payload: encodeStep1(new Y.Doc()),
      }),
    );
    await waitFor('peer holds the menu', () => peer.frames.length >= 3);
    peer.pause();
    const gone = a.provider.once('peer-disconnected');
    const notes = a.doc.getText('notes');
    for (let i = 0; i < 400 && a.provider.peers().length > 0; i++) {
      notes.insert(0, 'x'.repeat(64 * 1024));
      await sleep(1);
    }
    assert.is((await gone).codeName, 'SEND_BUFFER_FULL');
    assert.is(a.provider.counters().rejectedInput.SEND_BUFFER_FULL, undefined);
  } finally {
    peer.destroy();
    await a.provider.stop();
  }
});

test('start rejects when the port is taken and leaves nothing running', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  const provider = new LanProvider({
    ...FAST,
    port,
    device: 'dev-0',
    branch: BRANCH,
    role: 'till',
    branchKey: branchKey(),
  });
  let code: unknown;
  await provider.start().catch((e: { code?: unknown }) => {
    code = e.code;
  });
  assert.is(code, 'EADDRINUSE');
  assert.not.ok(provider.running);
  await new Promise<void>((resolve) => taken.close(() => resolve()));
  await sleep(50);
  const left = process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
  assert.equal(left, []);
});

test('stop while start is still binding leaves nothing running', async () => {
  const [a] = await devices(1, branchKey());
  if (!a) throw new Error('no device');
  const started = a.provider.start();
  await a.provider.stop();
  await started;
  assert.not.ok(a.provider.running);
  await a.provider.start();
  assert.ok(a.provider.running);
  await a.provider.stop();
  await sleep(600);
  const left = process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'PipeWrap' && r !== 'TTYWrap');
  assert.equal(left, []);
});

test.run();
