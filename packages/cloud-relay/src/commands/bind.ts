/**
 * `brigade relay bind --data DIR --branch B --org O`: binds branch B to
 * organisation O in the relay's data folder, before any device connects
 * or to move it. A running relay follows at once; tokens of any other
 * organisation are refused for B from then on (4403).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CommandRun, EXIT, UsageError } from '@brigade/cli';
import Database from 'better-sqlite3';
import { BranchDirectory } from '../auth/branches.ts';
import { DATABASE_FILE } from '../db.ts';

export const BIND_HELP = `usage: brigade relay bind --data DIR --branch B --org O

Binds branch B to organisation O in the relay data folder DIR: before any
device connects, or to move a branch another organisation claimed. A
running relay follows at once. Prints the binding and the organisation it
replaced as JSON.
`;

/** As a branch appears in a document path (`sync/path.ts`). */
const NAME = /^[A-Za-z0-9_~.@:+-]{1,128}$/;

export const runBind: CommandRun = async (ctx) => {
  const { values } = parseArgs({
    args: ctx.argv,
    options: {
      data: { type: 'string' },
      branch: { type: 'string' },
      org: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    ctx.stdout.write(BIND_HELP);
    return EXIT.ok;
  }
  const dir = required(values.data, '--data');
  const branch = name(required(values.branch, '--branch'), '--branch');
  const org = name(required(values.org, '--org'), '--org');
  const file = join(dir, DATABASE_FILE);
  if (!existsSync(file)) {
    throw new UsageError(`${dir} holds no relay database (${DATABASE_FILE})`);
  }
  const db = new Database(file, { fileMustExist: true });
  let previous: string | undefined;
  try {
    db.pragma('busy_timeout = 5000');
    previous = new BranchDirectory(db).bind(branch, org, 'operator');
  } finally {
    db.close();
  }
  ctx.stdout.write(
    `${JSON.stringify({ branch, org, previous: previous ?? null })}\n`,
  );
  return EXIT.ok;
};

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') {
    throw new UsageError(`${flag} is required\n\n${BIND_HELP}`);
  }
  return value.trim();
}

function name(value: string, flag: string): string {
  if (!NAME.test(value)) {
    throw new UsageError(
      `${flag} must be 1 to 128 letters, digits or _~.@:+- (got '${value}')`,
    );
  }
  return value;
}
