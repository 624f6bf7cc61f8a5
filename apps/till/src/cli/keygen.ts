/** `brigade keygen`: prints a new random branch key. */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type CommandRun, EXIT } from '@brigade/cli';

/** Bytes of randomness in a branch key (printed as 43 base64url characters). */
export const BRANCH_KEY_BYTES = 32;

/** A new branch key: 32 random bytes, base64url. */
export function generateBranchKey(): string {
  return randomBytes(BRANCH_KEY_BYTES).toString('base64url');
}

export const runKeygen: CommandRun = async (ctx) => {
  const { values } = parseArgs({
    args: ctx.argv,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    ctx.stdout.write(
      'usage: brigade keygen\n\nPrints a new random branch key. Give the same key to every device of\nthe branch through BRIGADE_BRANCH_KEY or --branch-key-file.\n',
    );
    return EXIT.ok;
  }
  ctx.stdout.write(`${generateBranchKey()}\n`);
  return EXIT.ok;
};
