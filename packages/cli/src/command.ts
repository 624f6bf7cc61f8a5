/** What a subcommand gets: its arguments and the process's streams. */
export interface CommandContext {
  /** Arguments after the subcommand's name. */
  argv: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * A subcommand resolves to its exit code: 0 done, 1 the work found a
 * problem (a broken chain, a failed check), 2 the input was wrong.
 * Long-running commands (relay, till) resolve when they have stopped.
 */
export type CommandRun = (ctx: CommandContext) => Promise<number>;

export interface CommandSpec {
  /** One line for the usage text. */
  summary: string;
  /** Loads the implementation only when the command is used. */
  load: () => Promise<CommandRun>;
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Thrown for bad command-line input; printed without a stack, exit 2. */
export class UsageError extends Error {
  readonly code = 'usage';
}
