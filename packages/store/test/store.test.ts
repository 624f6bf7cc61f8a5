import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DATABASE_FILE, Store, StoreError } from '../src/index.ts';
import {
  BRANCH,
  DAY,
  DEVICE,
  openStore,
  runJournal,
  salePayload,
  settleMany,
  TestClock,
  tempDir,
} from './journal-fixtures.ts';

const isCode = (code: string) => (e: unknown) =>
  e instanceof StoreError && e.code === code;

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** A folder holding a store with three settled orders, closed. */
function storeWithSales(dir: string): void {
  const clock = new TestClock();
  const store = openStore(dir, clock);
  settleMany(store, clock, 3);
  store.close();
}

test('creates the folder and the database on first start', () => {
  const { dir, remove } = tempDir();
  try {
    const nested = join(dir, 'data', 'till');
    const store = openStore(nested);
    assert.is(store.device, DEVICE);
    assert.is(store.branch, BRANCH);
    store.close();
    assert.ok(statSync(join(nested, DATABASE_FILE)).isFile());
    const again = Store.open({ dir: nested });
    assert.is(again.device, DEVICE);
    again.close();
  } finally {
    remove();
  }
});

test('refuses a folder of another device or branch', () => {
  const { dir, remove } = tempDir();
  try {
    storeWithSales(dir);
    assert.throws(
      () => Store.open({ dir, device: 'till-9', branch: BRANCH }),
      isCode('store-device-mismatch'),
    );
  } finally {
    remove();
  }
});

test('a read-only open of a missing or empty folder is store-missing', () => {
  const { dir, remove } = tempDir();
  try {
    assert.throws(
      () => Store.open({ dir: join(dir, 'nope'), readonly: true }),
      isCode('store-missing'),
    );
    assert.throws(
      () => Store.open({ dir, readonly: true }),
      isCode('store-missing'),
    );
    assert.throws(() => Store.open({ dir }), isCode('store-missing'));
  } finally {
    remove();
  }
});

test('refuses a file that is not SQLite and leaves it as it was', async () => {
  const { dir, remove } = tempDir();
  try {
    const path = join(dir, DATABASE_FILE);
    writeFileSync(path, Buffer.alloc(8192, 'garbage!'));
    const before = fileHash(path);
    assert.throws(() => openStore(dir), isCode('store-corrupt'));
    assert.throws(
      () => Store.open({ dir, readonly: true }),
      isCode('store-corrupt'),
    );
    assert.is(fileHash(path), before);
    const run = await runJournal(['verify', '--data', dir]);
    assert.is(run.code, 2);
    assert.match(run.stderr, /store-corrupt/);
  } finally {
    remove();
  }
});

test('refuses a store whose pages were damaged, with the file untouched', async () => {
  const { dir, remove } = tempDir();
  try {
    storeWithSales(dir);
    const path = join(dir, DATABASE_FILE);
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 4096, bytes.length);
    writeFileSync(path, bytes);
    const before = fileHash(path);
    const run = await runJournal(['verify', '--data', dir]);
    assert.ok(run.code === 1 || run.code === 2, run.stderr);
    assert.match(run.stderr, /corrupt|malformed|broken/);
    assert.is(fileHash(path), before);
  } finally {
    remove();
  }
});

test('refuses an SQLite database of another application and leaves it as it was', async () => {
  const { dir, remove } = tempDir();
  try {
    const path = join(dir, DATABASE_FILE);
    const other = new Database(path);
    other.exec(
      "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x')",
    );
    other.close();
    const before = fileHash(path);
    assert.throws(() => openStore(dir), isCode('store-foreign'));
    const run = await runJournal(['verify', '--data', dir]);
    assert.is(run.code, 2);
    assert.match(run.stderr, /not a Brigade store/);
    assert.is(fileHash(path), before);
  } finally {
    remove();
  }
});

test('a full disk fails the settlement clearly and keeps the journal intact', () => {
  const { dir, remove } = tempDir();
  try {
    storeWithSales(dir);
    const pages = new Database(join(dir, DATABASE_FILE)).pragma('page_count', {
      simple: true,
    }) as number;
    const clock = new TestClock();
    clock.tick(60_000);
    const store = openStore(dir, clock, { maxPageCount: pages });
    try {
      const big = salePayload('o-big');
      big.lines = Array.from({ length: 400 }, (_, i) => ({
        ...(big.lines[0] as (typeof big.lines)[0]),
        lineId: `l-${i}`,
        name: 'x'.repeat(200),
      }));
      const each = big.lines[0]?.lineTotal ?? 0;
      const total = each * 400;
      const tax = Math.round((total * 1500) / 11500);
      const invoice = {
        ...big,
        total,
        tax,
        taxes: [{ rate: 1500, base: total - tax, tax }],
        payments: [{ method: 'card', amount: total }],
      };
      assert.throws(
        () => store.settle({ user: 'u', businessDate: DAY, invoice }),
        isCode('store-full'),
      );
      assert.is(store.journal.headSeq(), 3);
      assert.is(store.outbox.status().pending, 3);
      assert.ok(store.verify().ok);
    } finally {
      store.close();
    }
  } finally {
    remove();
  }
});

const childScript = fileURLToPath(new URL('./store-child.ts', import.meta.url));

/** Runs the child as a user who cannot write the folder (nobody, if we are root). */
function runChild(mode: string, dir: string): Record<string, unknown> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', childScript, mode, dir],
    { encoding: 'utf8', ...asNobody, env: { ...process.env, HOME: '/tmp' } },
  );
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`child said: ${result.stdout}\n${result.stderr}`);
  }
}

test('a read-only folder gives a clear error, keeps the journal, and still verifies', () => {
  const { dir, remove } = tempDir();
  const data = join(dir, 'till');
  try {
    mkdirSync(data);
    storeWithSales(data);
    const path = join(data, DATABASE_FILE);
    const before = fileHash(path);
    chmodSync(dir, 0o755);
    chmodSync(path, 0o444);
    chmodSync(data, 0o555);

    const settled = runChild('settle', data);
    assert.is(settled.ok, false);
    assert.is(settled.code, 'store-read-only', String(settled.message));
    assert.is(fileHash(path), before);

    const verified = runChild('verify', data);
    assert.equal(verified, { ok: true, entries: 3 });
  } finally {
    chmodSync(data, 0o755);
    remove();
  }
});

test.run();
