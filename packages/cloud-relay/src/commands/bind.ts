/**
 * `brigade relay bind --data DIR --branch B --org O`: binds branch B to
 * organisation O in the relay's data folder, before any device connects
 * or to move it. A running relay follows at once; tokens of any other
 * organisation are refused for B from then on (4403).
 */
import { parseArgs } from 'node:util';
import { type CommandRun, EXIT, UsageError } from '@brigade/cli';
import { BranchDirectory } from '../auth/branches.ts';
import { requiredFlag, withRelayDatabase } from './relay-file.ts';

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
  const required = (value: string | undefined, flag: string) =>
    requiredFlag(value, flag, BIND_HELP);
  const dir = required(values.data, '--data');
  const branch = name(required(values.branch, '--branch'), '--branch');
  const org = name(required(values.org, '--org'), '--org');
  const previous = withRelayDatabase(dir, (db) =>
    new BranchDirectory(db).bind(branch, org, 'operator'),
  );
  ctx.stdout.write(
    `${JSON.stringify({ branch, org, previous: previous ?? null })}\n`,
  );
  return EXIT.ok;
};

function name(value: string, flag: string): string {
  if (!NAME.test(value)) {
    throw new UsageError(
      `${flag} must be 1 to 128 letters, digits or _~.@:+- (got '${value}')`,
    );
  }
  return value;
}
