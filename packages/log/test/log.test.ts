import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../src/index.ts';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      lines.push(JSON.parse(line));
    }
  });
  return { stream, lines };
}

test('writes one JSON object per line with name and namespace', async () => {
  const { stream, lines } = capture();
  const log = createLogger({ name: 'till', destination: stream });
  log.child({ ns: 'lan' }).info({ peer: 'd2' }, 'peer joined');
  await new Promise((r) => setImmediate(r));
  assert.is(lines.length, 1);
  assert.is(lines[0]?.name, 'till');
  assert.is(lines[0]?.ns, 'lan');
  assert.is(lines[0]?.peer, 'd2');
  assert.is(lines[0]?.msg, 'peer joined');
});

test('joins nested namespaces so each key appears once', async () => {
  const stream = new PassThrough();
  const raw: string[] = [];
  stream.on('data', (chunk: Buffer) => raw.push(chunk.toString()));
  const log = createLogger({ name: 'relay', destination: stream });
  const sync = log.child({ ns: 'relay' }).child({ ns: 'sync', doc: 'b1/menu' });
  sync.child({ peer: 'till-1' }).info({}, 'attached');
  await new Promise((r) => setImmediate(r));
  const line = raw.join('').trim();
  assert.is(line.match(/"ns":/g)?.length, 1, line);
  const parsed = JSON.parse(line);
  assert.is(parsed.ns, 'relay.sync');
  assert.is(parsed.doc, 'b1/menu');
  assert.is(parsed.peer, 'till-1');
});

test('never writes a secret passed in by mistake', async () => {
  const { stream, lines } = capture();
  const log = createLogger({ name: 'relay', destination: stream });
  log.warn({ token: 'abc.def', req: { authorization: 'Bearer x' } }, 'auth');
  await new Promise((r) => setImmediate(r));
  const text = JSON.stringify(lines);
  assert.not.ok(text.includes('abc.def'));
  assert.not.ok(text.includes('Bearer x'));
  assert.ok(text.includes('[redacted]'));
});

test.run();
