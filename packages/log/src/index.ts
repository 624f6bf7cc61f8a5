/**
 * Brigade logs structured JSON through one logger that the process creates
 * at start and injects into every component. Library code never calls
 * `console`; it takes a {@link Logger} and makes a namespaced child of it.
 *
 * @example
 * const log = createLogger({ name: 'till' });
 * const lanLog = log.child({ ns: 'lan' });
 * lanLog.info({ peer: 'till-2' }, 'peer joined');
 * lanLog.child({ ns: 'dial' }).debug({}, 'dialling'); // ns: 'lan.dial'
 */
import { pino } from 'pino';

/** The part of pino's interface that Brigade's components rely on. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface LoggerOptions {
  /** Component or process name, written as `name` on every line. */
  name: string;
  /** Minimum level; default `BRIGADE_LOG_LEVEL` or `info`. */
  level?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Where lines go; default standard output. */
  destination?: NodeJS.WritableStream;
}

/**
 * Field names whose values are replaced by `[redacted]` wherever they
 * appear (two levels deep), so that a secret passed into a log call by
 * mistake never reaches the log.
 */
export const REDACTED_FIELDS = [
  'token',
  'secret',
  'key',
  'branchKey',
  'psk',
  'password',
  'authorization',
  'phone',
  'email',
];

/**
 * Creates the process's root logger: JSON lines, secrets redacted. A
 * child's `ns` is joined to its parent's with a dot (`relay.sync`), so
 * every line carries each key once.
 */
export function createLogger(options: LoggerOptions): Logger {
  const level =
    options.level ?? (process.env.BRIGADE_LOG_LEVEL as LoggerOptions['level']);
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`]);
  const root = pino(
    {
      name: options.name,
      level: level ?? 'info',
      redact: { paths, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? process.stdout,
  );
  return withBindings(root, root, {});
}

/**
 * `logger`, whose children are made from `root` with every binding so far
 * (pino repeats a key that a child binds again; this never does).
 */
function withBindings(
  root: pino.Logger,
  logger: pino.Logger,
  bindings: Record<string, unknown>,
): Logger {
  return {
    child(more) {
      const merged = { ...bindings, ...more };
      if (typeof bindings.ns === 'string' && typeof more.ns === 'string') {
        merged.ns = `${bindings.ns}.${more.ns}`;
      }
      return withBindings(root, root.child(merged), merged);
    },
    debug: (obj, msg) => logger.debug(obj, msg),
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}

/** A logger that drops everything; the default where none is injected. */
export const silentLogger: Logger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
