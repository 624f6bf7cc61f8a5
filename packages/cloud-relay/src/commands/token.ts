/**
 * `brigade token --org O --branch B[,B2...] --device D --role ROLE
 * [--ttl 30d]`: prints a signed relay token.
 */
import { parseArgs } from 'node:util';
import { type CommandRun, EXIT, UsageError } from '@brigade/cli';
import { ROLES, type Role, signToken } from '../auth/token.ts';
import { requiredFlag } from './relay-file.ts';
import { runRevoke } from './revoke.ts';
import { readSecret } from './secret.ts';

const HELP = `usage: brigade token --org O --branch B[,B2...] --device D --role ROLE [--ttl 30d]
       brigade token revoke --data DIR --org O --device D [--at TIME]

Prints a relay token signed with BRIGADE_RELAY_SECRET or --secret-file F.
  --role   ${ROLES.join(', ')}
  --branch one or more branch names, comma-separated; an admin may use *
  --ttl    lifetime: a number followed by s, m, h or d (default 30d)
`;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `15m`, `12h`, `30d` (or plain seconds) as seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNITS[match[2] || 's'] ?? 1) : 0;
  if (!match || seconds <= 0 || !Number.isSafeInteger(seconds)) {
    throw new UsageError(`--ttl must look like 30d, 12h, 15m or 90s: ${text}`);
  }
  return seconds;
}

export const runToken: CommandRun = async (ctx) => {
  if (ctx.argv[0] === 'revoke') {
    return runRevoke({ ...ctx, argv: ctx.argv.slice(1) });
  }
  const { values } = parseArgs({
    args: ctx.argv,
    options: {
      org: { type: 'string' },
      branch: { type: 'string' },
      device: { type: 'string' },
      role: { type: 'string' },
      ttl: { type: 'string', default: '30d' },
      'secret-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    ctx.stdout.write(HELP);
    return EXIT.ok;
  }
  const required = (value: string | undefined, flag: string) =>
    requiredFlag(value, flag, HELP);
  const org = required(values.org, '--org');
  const device = required(values.device, '--device');
  const role = required(values.role, '--role');
  if (!ROLES.includes(role as Role)) {
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  }
  const branches = required(values.branch, '--branch')
    .split(',')
    .map((b) => b.trim());
  if (branches.some((b) => b === '')) {
    throw new UsageError('--branch has an empty branch name');
  }
  if (branches.includes('*') && role !== 'admin') {
    throw new UsageError('only an admin token may use --branch *');
  }
  const ttlSeconds = parseTtl(values.ttl);
  const secret = readSecret(ctx.env, values['secret-file']);

  const token = signToken(
    { org, branches, device, role: role as Role },
    secret,
    { ttlSeconds },
  );
  ctx.stdout.write(`${token}\n`);
  return EXIT.ok;
};
