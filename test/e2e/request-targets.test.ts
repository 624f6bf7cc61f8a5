/**
 * A request whose target does not parse as a URL (`//[`, `*`, an
 * absolute form) gets a 400 from the relay and the till, as a plain
 * request and as a WebSocket upgrade, and neither process goes down.
 */
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Cleanup,
  discoveryPort,
  randomSecret,
  startRelay,
  startTill,
  tempDir,
} from './harness.ts';

const cleanup = new Cleanup();
test.after.each(() => cleanup.run());

/** Targets `new URL` refuses, or that are not a path at all. */
const UNPARSABLE = ['*', 'http://[::1', '%', 'a/b'];
/** Paths that parse only as paths (an authority-looking start). */
const ODD_PATHS = ['//[', '//a@b:c', '/%%', '/\u00ff'];

const UPGRADE = [
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Sec-WebSocket-Version: 13',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];

/** Sends one raw request and resolves to its status line's code. */
function rawStatus(
  url: string,
  target: string,
  headers: string[] = [],
): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`no answer to ${target}`)));
    const head = [`GET ${target} HTTP/1.1`, `Host: ${hostname}`, ...headers];
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
  });
}

/**
 * Unparsable targets are answered 400, plain and as an upgrade; odd paths
 * get an ordinary answer (a 4xx, or an upgrade the server then closes
 * with its bad-path code).
 */
async function assertRefusesBadTargets(url: string): Promise<void> {
  for (const target of UNPARSABLE) {
    assert.is(await rawStatus(url, target), 400, `GET ${target}`);
    assert.is(await rawStatus(url, target, UPGRADE), 400, `upgrade ${target}`);
  }
  for (const target of ODD_PATHS) {
    const plain = await rawStatus(url, target);
    assert.ok(plain >= 400 && plain < 500, `GET ${target}: ${plain}`);
    const upgrade = await rawStatus(url, target, UPGRADE);
    assert.ok(upgrade === 101 || upgrade >= 400, `upgrade ${target}`);
  }
}

test('the relay answers unparsable targets with 400 and stays up', async () => {
  const relay = await startRelay(cleanup);
  await assertRefusesBadTargets(relay.httpUrl);

  const health = await fetch(`${relay.httpUrl}/healthz`);
  assert.is(health.status, 200);
  const res = await fetch(`${relay.httpUrl}/v1/devices?branch=b1`);
  assert.is(res.status, 401, 'the API still answers, and still asks');
});

test('the till answers unparsable targets with 400 and stays up', async () => {
  const till = await startTill(cleanup, {
    branch: 'b1',
    device: 'till-1',
    branchKey: randomSecret(),
    dataDir: tempDir(cleanup),
    discoveryPort: discoveryPort(),
  });
  await assertRefusesBadTargets(till.url);

  const { status, body } = await till.api('GET', '/api/status');
  assert.is(status, 200);
  assert.ok(body.state, 'the till still reports its sync state');
});

test.run();
