/**
 * `brigade relay --port P --host H --data DIR`: runs the relay until
 * SIGINT or SIGTERM, logging JSON lines to standard output.
 */
import { parseArgs } from 'node:util';
import { type CommandRun, EXIT, UsageError } from '@brigade/cli';
import { createLogger } from '@brigade/log';
import { RELAY_DEFAULTS, startRelay } from '../server.ts';
import { runBind } from './bind.ts';
import { readSecret } from './secret.ts';

const HELP = `usage: brigade relay --data DIR [--port ${RELAY_DEFAULTS.port}] [--host ${RELAY_DEFAULTS.host}]
       brigade relay bind --data DIR --branch B --org O

Runs the cloud relay on DIR/relay.sqlite. The token signing secret comes
from BRIGADE_RELAY_SECRET or --secret-file F (at least 32 bytes).
`;

export const runRelay: CommandRun = async (ctx) => {
  if (ctx.argv[0] === 'bind') {
    return runBind({ ...ctx, argv: ctx.argv.slice(1) });
  }
  const { values } = parseArgs({
    args: ctx.argv,
    options: {
      port: { type: 'string', default: String(RELAY_DEFAULTS.port) },
      host: { type: 'string', default: RELAY_DEFAULTS.host },
      data: { type: 'string' },
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
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a port number: ${values.port}`);
  }
  if (!values.data) throw new UsageError(`--data DIR is required\n\n${HELP}`);
  const secret = readSecret(ctx.env, values['secret-file']);

  const logger = createLogger({ name: 'relay', destination: ctx.stdout });
  const relay = await startRelay({
    dataDir: values.data,
    secret,
    port,
    host: values.host,
    logger,
  });

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info({ signal }, 'stopping');
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await relay.stop();
  return EXIT.ok;
};
