import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = fileURLToPath(new URL('../../../bin/brigade.js', import.meta.url));
const exec = promisify(execFile);

async function brigade(...args: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('prints usage and exits 2 without a command', async () => {
  const result = await brigade();
  assert.is(result.code, 2);
  assert.match(result.stderr, 'usage: brigade <command>');
});

test('prints usage and exits 2 on an unknown command', async () => {
  const result = await brigade('frobnicate');
  assert.is(result.code, 2);
  assert.match(result.stderr, "unknown command 'frobnicate'");
  assert.match(result.stderr, 'usage: brigade');
});

test('prints usage to stdout and exits 0 for --help', async () => {
  const result = await brigade('--help');
  assert.is(result.code, 0);
  assert.match(result.stdout, 'commands:');
});

test.run();
