import { type CommandContext, EXIT, UsageError } from './command.ts';
import { commands } from './commands.ts';

/** Prints the list of subcommands. */
export function usage(): string {
  const names = Object.keys(commands).sort();
  const width = Math.max(8, ...names.map((n) => n.length));
  const rows = names.map(
    (n) => `  ${n.padEnd(width)}  ${commands[n]?.summary ?? ''}`,
  );
  return [
    'usage: brigade <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    'Run `brigade <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

/** Runs `brigade` with the given arguments and resolves to the exit code. */
export async function main(
  ctx: Omit<CommandContext, 'argv'> & { argv: string[] },
): Promise<number> {
  const [name, ...rest] = ctx.argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name ? ctx.stdout : ctx.stderr).write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const spec = commands[name];
  if (!spec) {
    ctx.stderr.write(`brigade: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const run = await spec.load();
    return await run({ ...ctx, argv: rest });
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      ctx.stderr.write(`brigade ${name}: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** Errors thrown by node:util parseArgs for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
