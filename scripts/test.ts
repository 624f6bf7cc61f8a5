/**
 * Runs every check and every uvu suite of the repository, then prints one
 * plain closing line, `N passed, N failed, N skipped`, that CI counts.
 *
 *   npm test                      everything: format/lint, types, suites
 *   npm test -- packages/store    only suite files whose path contains it
 *   npm test -- --no-check        suites only (skip format/lint and types)
 *
 * Each suite file runs in its own Node process (uvu keeps one runner per
 * process), two at a time by default (`TEST_JOBS`), so one crashing file
 * cannot take the others down and its output stays in one piece.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suiteRoots = ['packages', 'apps', 'test'];
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 600_000);
const jobs = Number(process.env.TEST_JOBS ?? 2);
/** How long a suite may keep running after uvu printed its summary. */
const exitGraceMs = Number(process.env.TEST_EXIT_GRACE_MS ?? 30_000);

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

interface Run {
  code: number | null;
  output: string;
}

function findSuites(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findSuites(path, found);
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    let lingering: NodeJS.Timeout | undefined;
    const collect = (chunk: Buffer) => {
      output += chunk;

      // A handle left open (a socket, a child, a timer) after a failed
      // assertion keeps uvu's process alive; do not wait the full timeout.
      if (!lingering && /^\s*Duration:/m.test(output)) {
        lingering = setTimeout(() => {
          output += `\n[test runner] still running ${exitGraceMs} ms after its summary (a handle left open): killed\n`;
          child.kill('SIGKILL');
        }, exitGraceMs);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    // A suite that hangs is killed so the run still ends with a count.
    const timer = setTimeout(() => {
      output += `\n[test runner] killed after ${timeoutMs} ms\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(lingering);
      resolve({ code, output });
    });
  });
}

/**
 * Reads uvu's closing summary; a file that died before printing it counts
 * as one failure.
 */
function tallyOf(result: Run): Tally {
  const field = (name: string) => {
    const match = result.output.match(
      new RegExp(`^\\s*${name}:\\s+(\\d+)`, 'm'),
    );
    return match ? Number(match[1]) : undefined;
  };
  const total = field('Total');
  const passed = field('Passed');
  const skipped = field('Skipped') ?? 0;
  if (total === undefined || passed === undefined) {
    return { passed: 0, failed: 1, skipped: 0 };
  }
  // uvu's Total counts the tests that ran; skipped ones are outside it.
  let failed = total - passed;
  if (result.code !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

async function checks(): Promise<Tally> {
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const steps: [string, string, string[]][] = [
    ['format and lint (biome)', 'npx', ['biome', 'check', '.']],
    ['types (tsc, whole tree)', 'npx', ['tsc', '-p', 'tsconfig.json']],
    [
      'types (crdt-model without Node or DOM)',
      'npx',
      ['tsc', '-p', 'packages/crdt-model/tsconfig.json'],
    ],
  ];
  for (const [label, cmd, args] of steps) {
    if (label.includes('crdt-model') && !exists('packages/crdt-model'))
      continue;
    const result = await run(cmd, args, fileTimeoutMs);
    const ok = result.code === 0;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${label}\n`);
    if (!ok) process.stdout.write(indent(result.output));
    if (ok) tally.passed++;
    else tally.failed++;
  }
  return tally;
}

function exists(path: string): boolean {
  try {
    statSync(join(root, path));
    return true;
  } catch {
    return false;
  }
}

function indent(text: string): string {
  return `${text.replace(/^/gm, '    ').trimEnd()}\n`;
}

async function suites(filters: string[]): Promise<Tally> {
  const files = suiteRoots
    .filter(exists)
    .flatMap((dir) => findSuites(join(root, dir)))
    .map((file) => relative(root, file))
    .filter((file) => filters.every((f) => file.includes(f)))
    .sort();
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const queue = [...files];

  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const started = Date.now();
      const result = await run(
        process.execPath,
        ['--import', 'tsx', file],
        fileTimeoutMs,
      );
      const t = tallyOf(result);
      tally.passed += t.passed;
      tally.failed += t.failed;
      tally.skipped += t.skipped;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const mark = t.failed > 0 ? 'FAIL' : 'ok  ';
      process.stdout.write(
        `${mark} ${file}  (${t.passed} passed, ${t.failed} failed, ${seconds}s)\n`,
      );
      if (t.failed > 0 || process.env.TEST_VERBOSE) {
        process.stdout.write(indent(result.output));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return tally;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const skipChecks = args.includes('--no-check');
  const filters = args.filter((a) => !a.startsWith('--'));
  const started = Date.now();

  const first = skipChecks || filters.length > 0 ? null : await checks();
  const second = await suites(filters);
  const passed = (first?.passed ?? 0) + second.passed;
  const failed = (first?.failed ?? 0) + second.failed;
  const skipped = second.skipped;
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stdout.write(`\nall suites ran in ${minutes} min\n`);
  process.stdout.write(
    `${passed} passed, ${failed} failed, ${skipped} skipped\n`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
