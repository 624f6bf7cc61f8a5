import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '@brigade/cli';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyToken } from '../src/auth/token.ts';
import { parseTtl } from '../src/commands/token.ts';
import {
  removeDir,
  secret,
  stockProvider,
  synced,
  tempDir,
  until,
} from './support/relay.ts';

const bin = fileURLToPath(new URL('../../../bin/brigade.js', import.meta.url));

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out = sink();
  const err = sink();
  const code = await main({
    argv,
    stdout: out.stream,
    stderr: err.stream,
    env,
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

const tokenArgs = [
  'token',
  '--org',
  'acme',
  '--branch',
  'b1,b2',
  '--device',
  'till-1',
  '--role',
  'till',
];

test('brigade token prints a token with the given claims', async () => {
  const result = await run([...tokenArgs, '--ttl', '2h'], {
    BRIGADE_RELAY_SECRET: secret,
  });
  assert.is(result.code, 0);
  const claims = verifyToken(result.stdout.trim(), secret);
  assert.equal(claims.branches, ['b1', 'b2']);
  assert.is(claims.role, 'till');
  assert.is(claims.exp - claims.iat, 7200);
});

test('brigade token reads the secret from --secret-file', async () => {
  const dir = tempDir();
  const file = join(dir, 'secret');
  writeFileSync(file, `${secret}\n`);
  const result = await run([...tokenArgs, '--secret-file', file]);
  assert.is(result.code, 0);
  assert.is(verifyToken(result.stdout.trim(), secret).org, 'acme');
  removeDir(dir);
});

test('brigade token refuses bad input with exit 2', async () => {
  const env = { BRIGADE_RELAY_SECRET: secret };
  assert.is((await run(tokenArgs)).code, 2, 'no secret');
  assert.is((await run(tokenArgs, { BRIGADE_RELAY_SECRET: 'short' })).code, 2);
  const badRole = [...tokenArgs.slice(0, -1), 'chef'];
  assert.is((await run(badRole, env)).code, 2, 'bad role');
  assert.is((await run([...tokenArgs, '--ttl', '3w'], env)).code, 2);
  assert.is((await run([...tokenArgs, '--secret', secret])).code, 2);
  const star = [
    'token',
    '--org',
    'a',
    '--branch',
    '*',
    '--device',
    'd',
    '--role',
    'till',
  ];
  assert.is((await run(star, env)).code, 2, 'only admins get *');
});

test('reads durations', () => {
  assert.is(parseTtl('30d'), 30 * 86_400);
  assert.is(parseTtl('15m'), 900);
  assert.is(parseTtl('90'), 90);
  assert.throws(() => parseTtl('0d'));
});

test('brigade relay refuses to start without a secret', async () => {
  const dir = tempDir();
  const result = await run(['relay', '--port', '0', '--data', dir]);
  assert.is(result.code, 2);
  assert.match(result.stderr, /BRIGADE_RELAY_SECRET/);
  removeDir(dir);
});

interface Running {
  child: ChildProcess;
  url: string;
}

async function startProcess(
  dir: string,
  secretArgs: string[] = [],
): Promise<Running> {
  const env = { ...process.env };
  if (secretArgs.length === 0) env.BRIGADE_RELAY_SECRET = secret;
  else delete env.BRIGADE_RELAY_SECRET;
  const child = spawn(
    process.execPath,
    [
      bin,
      'relay',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data',
      dir,
      ...secretArgs,
    ],
    { env },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  await until(() => output.includes('relay listening'), 20_000, 'relay start');
  const line = output.split('\n').find((l) => l.includes('relay listening'));
  return { child, url: JSON.parse(line ?? '{}').url };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function connect(url: string, t: string) {
  return stockProvider(url, 'b1/day/2026-12-03', { token: t });
}

test('brigade relay reads its secret from --secret-file', async () => {
  const dir = tempDir();
  const file = join(dir, 'secret');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  const running = await startProcess(join(dir, 'data'), [
    '--secret-file',
    file,
  ]);
  try {
    const made = await run([...tokenArgs, '--secret-file', file]);
    const p = connect(running.url, made.stdout.trim());
    await synced(p);
    p.destroy();
  } finally {
    running.child.kill('SIGTERM');
    await exited(running.child);
    removeDir(dir);
  }
});

test('brigade relay keeps what it acknowledged through a SIGKILL', async () => {
  const dir = tempDir();
  let running = await startProcess(dir);
  const t = (
    await run(tokenArgs, { BRIGADE_RELAY_SECRET: secret })
  ).stdout.trim();
  try {
    const writer = connect(running.url, t);
    const reader = connect(running.url, t);
    await Promise.all([synced(writer), synced(reader)]);
    for (let i = 0; i < 20; i++) writer.doc.getArray('lines').push([i]);
    await until(() => reader.doc.getArray('lines').length === 20);

    // Updates go out before their commit; a sync answer waits for it, so
    // a client told it is synced with the 20 lines is the acknowledgement.
    const late = connect(running.url, t);
    await synced(late);
    assert.is(late.doc.getArray('lines').length, 20);
    writer.destroy();
    reader.destroy();
    late.destroy();
    running.child.kill('SIGKILL');
    await exited(running.child);

    running = await startProcess(dir);
    const fresh = connect(running.url, t);
    await synced(fresh, 10_000);
    assert.is(fresh.doc.getArray('lines').length, 20);
    fresh.destroy();
    running.child.kill('SIGTERM');
    assert.is(await exited(running.child), 0);
  } finally {
    running.child.kill('SIGKILL');
    removeDir(dir);
  }
});

test.run();
