import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Relay } from '../src/server.ts';
import {
  captureLogger,
  docUrl,
  type LogLine,
  provider,
  RawClient,
  removeDir,
  synced,
  tempDir,
  testRelay,
  token,
  until,
} from './support/relay.ts';

let dir = '';
let relay: Relay;
let lines: LogLine[] = [];

test.before.each(async () => {
  dir = tempDir();
  const capture = captureLogger();
  lines = capture.lines;
  relay = await testRelay(dir, {}, capture.logger);
});

test.after.each(async () => {
  await relay.stop();
  removeDir(dir);
});

function http(path: string): string {
  return `${relay.url.replace('ws://', 'http://')}${path}`;
}

test('answers /healthz with counts', async () => {
  const p = provider(relay, 'b1/menu', token());
  await synced(p);
  const res = await fetch(http('/healthz'));
  assert.is(res.status, 200);
  const body = await res.json();
  assert.is(body.status, 'ok');
  assert.is(body.connections, 1);
  assert.is(body.documents, 1);
  p.destroy();
});

test('exposes sync, auth and process metrics on /metrics', async () => {
  const p = provider(relay, 'b1/menu', token());
  await synced(p);
  p.doc.getMap('items').set('soup', 1);
  const refused = new RawClient(docUrl(relay, 'b1/menu', 'bad'));
  await refused.closed;
  const res = await fetch(http('/metrics'));
  assert.is(res.status, 200);
  const text = await res.text();
  for (const name of [
    'brigade_relay_connections 1',
    'brigade_relay_documents_loaded 1',
    'brigade_relay_messages_in_total{type="sync"}',
    'brigade_relay_bytes_in_total',
    'brigade_relay_bytes_out_total',
    'brigade_relay_auth_failures_total{reason="token-malformed"} 1',
    'brigade_relay_update_seconds_bucket',
    'brigade_relay_doc_commit_seconds_bucket',
    'brigade_relay_process_resident_memory_bytes',
    'brigade_http_',
  ]) {
    assert.ok(text.includes(name), name);
  }

  // The edit's commit is timed once it has happened.
  await until(async () => {
    const later = await (await fetch(http('/metrics'))).text();
    return /^brigade_relay_doc_commit_seconds_count [1-9]/m.test(later);
  });
  p.destroy();
});

test('routes /v1/ to the JSON API and answers 404 otherwise', async () => {
  const api = await fetch(http('/v1/devices?branch=b1'));
  assert.is(api.status, 401);
  const missing = await fetch(http('/nowhere'));
  assert.is(missing.status, 404);
  assert.is((await missing.json()).error.code, 'not-found');
});

test('closes every socket with 1001 when it stops', async () => {
  const client = new RawClient(docUrl(relay, 'b1/menu', token()));
  await client.opened;
  await relay.stop();
  assert.is(await client.closed, 1001);
});

test('never logs a token', async () => {
  const t = token();
  const p = provider(relay, 'b1/menu', t);
  await synced(p);
  const refused = new RawClient(docUrl(relay, 'b2/menu', t));
  await refused.closed;
  p.destroy();
  await relay.stop();
  const text = JSON.stringify(lines);
  assert.not.ok(text.includes(t.split('.')[1] as string));
  assert.ok(lines.some((l) => l.msg === 'refused: forbidden'));
});

test.run();
