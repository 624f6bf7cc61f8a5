/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name>` runs one
 * (`bench/<name>.ts`); add `--short` for the small CI-sized run. Each
 * benchmark runs in its own process so that heap figures are its own.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')}`);
  console.error(`available: ${available.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', `${dir}${name}.ts`, ...flags],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
