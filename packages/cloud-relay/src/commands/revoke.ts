/**
 * `brigade token revoke --data DIR --org O --device D [--at TIME]`:
 * revokes every token of one device of one organisation issued at or
 * before TIME (default now), in the relay's data folder. A running relay
 * refuses those tokens from then on and closes their open sockets within
 * seconds; tokens issued afterwards work.
 */
import { parseArgs } from 'node:util';
import { type CommandRun, EXIT, UsageError } from '@brigade/cli';
import { Revocations } from '../auth/revocations.ts';
import { requiredFlag, withRelayDatabase } from './relay-file.ts';

export const REVOKE_HELP = `usage: brigade token revoke --data DIR --org O --device D [--at TIME]

Revokes every token of device D of organisation O issued at or before TIME
(an ISO date and time; default now) in the relay data folder DIR. The relay
refuses them at once (4401 or HTTP 401 token-revoked) and closes their open
sockets within 5 seconds; make the device a new token afterwards.
Prints the revocation as JSON.
`;

export const runRevoke: CommandRun = async (ctx) => {
  const { values } = parseArgs({
    args: ctx.argv,
    options: {
      data: { type: 'string' },
      org: { type: 'string' },
      device: { type: 'string' },
      at: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    ctx.stdout.write(REVOKE_HELP);
    return EXIT.ok;
  }
  const required = (value: string | undefined, flag: string) =>
    requiredFlag(value, flag, REVOKE_HELP);
  const dir = required(values.data, '--data');
  const org = required(values.org, '--org');
  const device = required(values.device, '--device');
  const before = moment(values.at);
  withRelayDatabase(dir, (db) =>
    new Revocations(db).revoke(org, device, before),
  );
  const revocation = {
    org,
    device,
    revokedBefore: new Date(before * 1000).toISOString(),
  };
  ctx.stdout.write(`${JSON.stringify(revocation)}\n`);
  return EXIT.ok;
};

/** TIME as seconds since the epoch; now when not given. */
function moment(text: string | undefined): number {
  if (text === undefined) return Math.floor(Date.now() / 1000);
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new UsageError(`--at must be an ISO date and time (got '${text}')`);
  }
  return Math.floor(ms / 1000);
}
