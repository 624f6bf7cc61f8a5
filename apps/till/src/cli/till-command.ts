/** `brigade till`: runs one till until SIGTERM or SIGINT. */
import { type CommandRun, EXIT } from '@brigade/cli';
import { createLogger } from '@brigade/log';
import { Till } from '../till.ts';
import { parseTillOptions, TILL_USAGE } from './options.ts';
import { untilStopSignal } from './signals.ts';

export const runTill: CommandRun = async (ctx) => {
  if (ctx.argv.includes('--help') || ctx.argv.includes('-h')) {
    ctx.stdout.write(TILL_USAGE);
    return EXIT.ok;
  }
  const options = parseTillOptions(ctx.argv, ctx.env);
  const logger = createLogger({ name: 'till', destination: ctx.stdout });
  const stopped = untilStopSignal();
  const till = await Till.start(options, { logger });
  logger.info(
    {
      event: 'listening',
      device: options.device,
      branch: options.branch,
      http: till.httpUrl,
      lanPort: options.lanPort,
    },
    'till listening',
  );
  const signal = await stopped;
  logger.info({ signal }, 'stopping');
  await till.stop();
  return EXIT.ok;
};
