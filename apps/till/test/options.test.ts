import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@brigade/cli';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTillOptions } from '../src/cli/options.ts';

const key = 'k'.repeat(43);
const env = { BRIGADE_BRANCH_KEY: key, BRIGADE_RELAY_TOKEN: 'tok' };
const base = ['--data', 'd', '--branch', 'b1', '--device', 't1'];

function throwsUsage(fn: () => unknown, pattern: RegExp) {
  try {
    fn();
    assert.unreachable('expected a UsageError');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, pattern);
  }
}

test('reads the flags of the issue with loopback defaults', () => {
  const o = parseTillOptions(
    [...base, '--http-port', '0', '--peer', '10.0.0.2:55800', '--menu', 'demo'],
    env,
  );
  assert.is(o.httpHost, '127.0.0.1');
  assert.is(o.httpPort, 0);
  assert.equal(o.peers, [{ host: '10.0.0.2', port: 55800 }]);
  assert.equal(o.menu, { kind: 'demo' });
  assert.is(o.relay, null);
  assert.is(o.branchKey, key);
});

test('takes the relay token from the environment or a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  try {
    const file = join(dir, 'token');
    writeFileSync(file, 'from-file\n');
    const relay = ['--relay', 'ws://r:1', '--relay-http', 'http://r:2'];
    const a = parseTillOptions([...base, '--http-port', '1', ...relay], env);
    assert.equal(a.relay, {
      wsUrl: 'ws://r:1',
      httpUrl: 'http://r:2',
      token: 'tok',
    });
    const b = parseTillOptions(
      [...base, '--http-port', '1', ...relay, '--relay-token-file', file],
      env,
    );
    assert.is(b.relay?.token, 'from-file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refuses a missing branch key, naming both sources', () => {
  throwsUsage(
    () => parseTillOptions([...base, '--http-port', '1'], {}),
    /BRIGADE_BRANCH_KEY or pass --branch-key-file/,
  );
});

test('refuses a relay without a token', () => {
  throwsUsage(
    () =>
      parseTillOptions([...base, '--http-port', '1', '--relay', 'ws://r:1'], {
        BRIGADE_BRANCH_KEY: key,
      }),
    /relay token/,
  );
});

test('refuses a bad port, peer and relay URL', () => {
  throwsUsage(
    () => parseTillOptions([...base, '--http-port', '70000'], env),
    /--http-port/,
  );
  throwsUsage(
    () => parseTillOptions([...base, '--http-port', '1', '--peer', 'x'], env),
    /--peer/,
  );
  throwsUsage(
    () =>
      parseTillOptions(
        [...base, '--http-port', '1', '--relay', 'http://r:1'],
        env,
      ),
    /--relay must start with ws:/,
  );
});

test('takes the country for phone numbers, or leaves it to the menu', () => {
  const flags = [...base, '--http-port', '1'];
  assert.is(parseTillOptions(flags, env).country, undefined);
  assert.is(parseTillOptions([...flags, '--country', 'sa'], env).country, 'SA');
  throwsUsage(
    () => parseTillOptions([...flags, '--country', 'FR'], env),
    /--country must be one of SA, PK, GB/,
  );
});

test('takes the seller and VAT number for receipts, checked for SA', () => {
  const flags = [...base, '--http-port', '1'];
  const plain = parseTillOptions(flags, env);
  assert.is(plain.sellerName, undefined);
  assert.is(plain.vatNumber, undefined);
  const set = parseTillOptions(
    [
      ...flags,
      '--seller-name',
      ' Maktabat Tasjeel ',
      '--vat-number',
      '3999 9999 9900 003',
    ],
    env,
  );
  assert.is(set.sellerName, 'Maktabat Tasjeel');
  assert.is(set.vatNumber, '399999999900003');
  const uk = ['--vat-number', 'gb123456789'];
  assert.is(parseTillOptions([...flags, ...uk], env).vatNumber, 'GB123456789');
  throwsUsage(
    () => parseTillOptions([...flags, ...uk, '--country', 'SA'], env),
    /--vat-number in SA must be 15 digits starting and ending with 3/,
  );
  throwsUsage(
    () => parseTillOptions([...flags, '--vat-number', '12'], env),
    /--vat-number must be 5 to 20 letters and digits/,
  );
  throwsUsage(
    () => parseTillOptions([...flags, '--seller-name', 'a\nb'], env),
    /--seller-name must be 1 to 100 characters/,
  );
});

test('takes the start of the business day, up to 11:59', () => {
  const flags = [...base, '--http-port', '1'];
  assert.is(parseTillOptions(flags, env).dayStartsAt, undefined);
  const at = (v: string) =>
    parseTillOptions([...flags, '--day-starts-at', v], env).dayStartsAt;
  assert.is(at('04:00'), 240);
  assert.is(at('0:30'), 30);
  assert.is(at('11:59'), 719);
  for (const bad of ['12:00', '4', '04:60', '-1:00', 'late']) {
    throwsUsage(
      () => parseTillOptions([...flags, `--day-starts-at=${bad}`], env),
      /--day-starts-at must be HH:MM from 00:00 to 11:59/,
    );
  }
});

test('takes the connectivity debounce in milliseconds, or leaves the default', () => {
  const flags = [...base, '--http-port', '1'];
  const plain = parseTillOptions(flags, env);
  assert.is(plain.connectivityDebounceMs, undefined);
  const set = ['--connectivity-debounce', '2500'];
  assert.is(
    parseTillOptions([...flags, ...set], env).connectivityDebounceMs,
    2500,
  );
  for (const bad of ['-1', '1.5', 'soon', '86400001']) {
    throwsUsage(
      () => parseTillOptions([...flags, `--connectivity-debounce=${bad}`], env),
      /--connectivity-debounce must be milliseconds/,
    );
  }
});

test.run();
