import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as Y from 'yjs';
import { UpdateLog } from '../src/index.ts';
import { seeded } from './fixtures/busy-day.ts';

// A child process appends and compacts; it is SIGKILLed at random moments
// and every update it reported must be there after the restart.

const dirs: string[] = [];
const dbs: Database.Database[] = [];

test.after.each(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

test('loses no reported update when killed at random, compaction included', async () => {
  const runs = Number(process.env.BRIGADE_CRASH_RUNS ?? 20);
  const seed = Number(process.env.BRIGADE_CRASH_SEED ?? Date.now());
  const random = seeded(seed);
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  dirs.push(dir);
  const script = buildChild(dir);
  const name = 'b1/day/2026-12-03';

  // One file per mode, so a slow worker run's long tail does not turn
  // every following main-thread run into one long first compaction.
  const modes = {
    inline: { file: join(dir, 'inline.db'), reported: 0, compactions: 0 },
    worker: { file: join(dir, 'worker.db'), reported: 0, compactions: 0 },
  };
  for (let run = 0; run < runs; run++) {
    // Every fourth run folds on the worker thread, which starts slower:
    // its kill comes after its first fold, during the next ones.
    const mode = run % 4 === 3 ? 'worker' : 'inline';
    const state = modes[mode];
    const killAfterMs = 10 + random() * 140;
    const startAt = mode === 'worker' ? 'compacted' : 'ready';
    const args = [state.file, name, mode];
    const ran = await runChild(script, args, killAfterMs, startAt);
    state.reported = Math.max(state.reported, ran.reported);
    state.compactions += ran.compactions;

    const db = new Database(state.file);
    dbs.push(db);
    const doc = new Y.Doc();
    new UpdateLog(db).loadInto(name, doc);
    const keys = doc.getMap('keys');
    for (let i = 0; i < state.reported; i++) {
      if (keys.has(`k${i}`)) continue;
      assert.unreachable(`seed ${seed}, run ${run} (${mode}): k${i} lost`);
    }
    db.close();
  }

  const { inline, worker } = modes;
  process.stdout.write(
    `  ${runs} kills: ${inline.reported + worker.reported} updates ` +
      `reported, ${inline.compactions} compactions on the main thread, ` +
      `${worker.compactions} on the worker\n`,
  );
  assert.ok(inline.compactions > 0, 'no compaction on the main thread');
  if (runs >= 4) assert.ok(worker.compactions > 0, 'no fold on the worker');
});

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Bundles the child once, so that each of the many restarts takes a tenth
 * of a second instead of the TypeScript loader's half second. Installed
 * packages stay outside the bundle and resolve through a link to the
 * workspace's node_modules.
 */
function buildChild(dir: string): string {
  const outfile = join(dir, 'update-log-child.mjs');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  buildSync({
    entryPoints: [
      join(root, 'packages/store/test/fixtures/update-log-child.ts'),
    ],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    external: ['better-sqlite3', 'yjs', 'pino'],
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * Runs the child until `killAfterMs` after it is ready (or has finished its
 * first compaction), then SIGKILLs it.
 */
async function runChild(
  script: string,
  args: string[],
  killAfterMs: number,
  startAt: 'ready' | 'compacted',
) {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  const exited = once(child, 'exit');
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        if (startAt === 'ready' && output.startsWith('ready\n')) resolve();
        if (output.includes('\ncompacted ')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited: ${errors}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  } finally {
    child.kill('SIGKILL');
    await exited;
  }

  // Only whole lines count: a line cut by the kill was never confirmed.
  const lines = output.split('\n').slice(0, -1);
  const numbers = lines.filter((l) => /^\d+$/.test(l)).map(Number);
  return {
    reported: numbers.length > 0 ? Math.max(...numbers) + 1 : 0,
    compactions: lines.filter((l) => l.startsWith('compacted ')).length,
  };
}

test.run();
