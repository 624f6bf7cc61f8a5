/** `brigade till`: runs one till until SIGTERM or SIGINT. */
import { type CommandRun, EXIT } from '@brigade/cli';
import { createLogger } from '@brigade/log';
import { StoreError } from '@brigade/store';
import { loadMenu } from '../core/menu-source.ts';
import { Till } from '../till.ts';
import { parseTillOptions, TILL_USAGE } from './options.ts';
import { untilStopSignal } from './signals.ts';

export const runTill: CommandRun = async (ctx) => {
  if (ctx.argv.includes('--help') || ctx.argv.includes('-h')) {
    ctx.stdout.write(TILL_USAGE);
    return EXIT.ok;
  }
  const options = parseTillOptions(ctx.argv, ctx.env);
  const menu = loadMenu(options.menu);
  const logger = createLogger({ name: 'till', destination: ctx.stdout });
  const stopped = untilStopSignal();
  let till: Till;
  try {
    till = await Till.start(options, { logger, menu });
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    ctx.stderr.write(`brigade till: ${error.code}: ${error.message}\n`);
    return EXIT.failed;
  }
  logger.info(
    {
      event: 'listening',
      device: options.device,
      branch: options.branch,
      businessDate: till.docs.businessDate,
      http: till.httpUrl,
      sync: `${till.httpUrl.replace(/^http/, 'ws')}/sync/${options.branch}/`,
      lanPort: till.lanPort,
      relay: options.relay?.wsUrl ?? null,
    },
    'till listening',
  );
  const signal = await stopped;
  logger.info({ signal }, 'stopping');
  await till.stop();
  return EXIT.ok;
};
