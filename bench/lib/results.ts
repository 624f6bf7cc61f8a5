/**
 * Benchmark output: a readable table on standard output and
 * `bench/results/<name>.json`, an array of `{metric, system, value, unit}`
 * rows (ARCHITECTURE.md, Benchmarks).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ResultRow {
  metric: string;
  /** Brigade's component or the peer measured in the same run. */
  system: string;
  value: number;
  unit: string;
}

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** True for `npm run bench -- <name> --short` or `BENCH_SHORT=1`: CI size. */
export const short =
  process.argv.includes('--short') || process.env.BENCH_SHORT === '1';

/** Writes the rows to `bench/results/<name>.json` and prints the table. */
export function report(name: string, rows: ResultRow[], notes: string[] = []) {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    `${resultsDir}${name}.json`,
    `${JSON.stringify(rows, null, 2)}\n`,
  );
  console.log(`\n${name}${short ? ' (short run)' : ''}`);
  console.log(table(rows));
  for (const note of notes) console.log(`  ${note}`);
  console.log(`  written to bench/results/${name}.json\n`);
}

/** Rows as a metric-by-system table, one column per system. */
export function table(rows: ResultRow[]): string {
  const systems = [...new Set(rows.map((r) => r.system))];
  const metrics = [...new Set(rows.map((r) => r.metric))];
  const cell = (metric: string, system: string) => {
    const row = rows.find((r) => r.metric === metric && r.system === system);
    return row ? `${format(row.value)} ${row.unit}` : '';
  };
  const header = ['metric', ...systems];
  const body = metrics.map((m) => [m, ...systems.map((s) => cell(m, s))]);
  const widths = header.map((_, i) =>
    Math.max(...[header, ...body].map((r) => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    `  ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
