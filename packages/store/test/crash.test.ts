/**
 * Crash safety: a till settling in a loop is SIGKILLed at random moments
 * (`CRASH_RUNS`, default 30). After every restart the chain verifies, no
 * sequence or document number is skipped or reused, every entry has its
 * outbox record and every settlement its claim.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDocNo, Store } from '../src/index.ts';
import { tempDir } from './journal-fixtures.ts';

const RUNS = Number(process.env.CRASH_RUNS ?? 30);
const source = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const nodeModules = fileURLToPath(
  new URL('../../../node_modules', import.meta.url),
);

/**
 * Bundles the child once, so each of the many restarts costs a plain
 * `node` start instead of a TypeScript load. The bundle sits in a temp
 * folder whose `node_modules` links to the repository's.
 */
function bundleChild(dir: string): string {
  symlinkSync(nodeModules, join(dir, 'node_modules'));
  const outfile = join(dir, 'crash-child.mjs');
  buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['better-sqlite3', 'pino', 'yjs', 'lib0'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

function startChild(
  child: string,
  dir: string,
  claims: string,
): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [child, dir, claims], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  proc.stderr?.on('data', (d) => (errors += d));
  return new Promise((resolve, reject) => {
    proc.stdout?.once('data', () => resolve(proc));
    proc.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before ready: ${errors}`)),
    );
  });
}

function kill(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.removeAllListeners('exit');
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

function claimed(claims: string): Set<number> {
  let text = '';
  try {
    text = readFileSync(claims, 'utf8');
  } catch {
    return new Set();
  }
  return new Set(text.split('\n').filter(Boolean).map(Number));
}

/** The checks after a restart; returns the head sequence number. */
function checkAfterRestart(dir: string, claims: string, run: number): number {
  const store = Store.open({ dir });
  try {
    const report = store.verify();
    assert.ok(report.ok, `run ${run}: ${JSON.stringify(report.fault)}`);
    // The restarted till writes the claims its predecessor never did.
    store.reconcileClaims((e) => appendFileSync(claims, `${e.seq}\n`));

    const entries = store.journal.entriesAfter(0, 1_000_000);
    assert.equal(
      entries.map((e) => e.seq),
      entries.map((_, i) => i + 1),
      `run ${run}: seq`,
    );
    const counters = entries.flatMap((e) =>
      e.docNo ? [parseDocNo(e.docNo)?.counter] : [],
    );
    assert.equal(
      counters,
      counters.map((_, i) => i + 1),
      `run ${run}: doc number`,
    );

    const keys = store.outbox.nextBatch(entries.length + 10).map((r) => r.key);
    assert.equal(
      keys,
      entries.map((e) => `till-1:${e.seq}`),
      `run ${run}: outbox`,
    );

    const sinks = claimed(claims);
    for (const e of entries) {
      if (e.kind === 'sale')
        assert.ok(sinks.has(e.seq), `run ${run}: claim of ${e.seq}`);
    }
    return entries.length;
  } finally {
    store.close();
  }
}

test(`survives ${RUNS} SIGKILLs mid-settlement without losing or reusing a number`, async () => {
  const { dir, remove } = tempDir();
  const claims = join(dir, 'claims.txt');
  const data = join(dir, 'till');
  let head = 0;
  try {
    const child = bundleChild(dir);
    for (let run = 1; run <= RUNS; run++) {
      const proc = await startChild(child, data, claims);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 60));
      await kill(proc);
      const next = checkAfterRestart(data, claims, run);
      assert.ok(next >= head, `run ${run}: the journal shrank`);
      head = next;
    }
    assert.ok(head >= RUNS, `only ${head} entries in ${RUNS} runs`);
  } finally {
    remove();
  }
});

test.run();
