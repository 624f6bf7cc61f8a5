/**
 * `brigade demo`: a relay and two tills on this machine, on loopback,
 * with the demo menu and a few open tables; prints the URLs and a live
 * one-line status per device until Ctrl-C, then stops everything and
 * removes its temporary folder. Needs no configuration.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CommandRun, EXIT } from '@brigade/cli';
import { type Relay, signToken, startRelay } from '@brigade/cloud-relay';
import { demoMenu, type OrderId } from '@brigade/crdt-model';
import { createLogger } from '@brigade/log';
import { Till } from '../till.ts';
import { generateBranchKey } from './keygen.ts';
import { untilStopSignal } from './signals.ts';
import { statusLine } from './status-line.ts';

const BRANCH = 'demo';
const DEVICES = ['till-1', 'till-2'];

const HELP = `usage: brigade demo

Starts a relay and two tills on loopback (LAN discovery through
127.255.255.255), loads the demo menu, opens a few tables and prints a
live status line per device. Ctrl-C stops everything. Logs go to a file
in the demo's temporary folder.
`;

export const runDemo: CommandRun = async (ctx) => {
  const { values } = parseArgs({
    args: ctx.argv,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    ctx.stdout.write(HELP);
    return EXIT.ok;
  }
  const dir = mkdtempSync(join(tmpdir(), 'brigade-demo-'));
  const logFile = join(dir, 'demo.log');
  const logStream = createWriteStream(logFile);
  const logger = createLogger({ name: 'demo', destination: logStream });
  const stopped = untilStopSignal();
  const secret = randomBytes(32).toString('base64url');
  const branchKey = generateBranchKey();
  const discoveryPort = 40_000 + Math.floor(Math.random() * 20_000);

  let relay: Relay | undefined;
  const tills: Till[] = [];
  try {
    relay = await startRelay({
      dataDir: join(dir, 'relay'),
      secret,
      port: 0,
      logger,
    });
    for (const device of DEVICES) {
      const token = signToken(
        { org: 'demo', branches: [BRANCH], device, role: 'till' },
        secret,
      );
      tills.push(
        await Till.start(
          {
            dataDir: join(dir, device),
            branch: BRANCH,
            device,
            httpHost: '127.0.0.1',
            httpPort: 0,
            lanPort: 0,
            discoveryPort,
            broadcast: '127.255.255.255',
            peers: [],
            relay: {
              wsUrl: relay.url,
              httpUrl: relay.url.replace(/^ws/, 'http'),
              token,
            },
            branchKey,
            menu: { kind: 'demo' },
            // ZATCA's documentation uses this test VAT number.
            sellerName: 'Brigade Demo Kitchen',
            vatNumber: '399999999900003',
          },
          { logger: logger.child({ device }), menu: demoMenu },
        ),
      );
    }
    openTables(tills[0]!);
    ctx.stdout.write(banner(relay, tills, logFile));
    const live = liveStatus(ctx.stdout, tills);
    await stopped;
    live.stop();
    ctx.stdout.write('\nstopping...\n');
  } finally {
    for (const till of tills) await till.stop();
    await relay?.stop();
    await new Promise((resolve) => logStream.end(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  ctx.stdout.write('demo stopped; its temporary folder is removed\n');
  return EXIT.ok;
};

/** A few tables in service, so the demo has something to show. */
function openTables(till: Till): void {
  const tables: [string, number, [string, string[], number?][]][] = [
    [
      '1',
      2,
      [
        ['burger', ['medium']],
        ['chips', []],
      ],
    ],
    [
      '4',
      4,
      [
        ['steak', ['rare']],
        ['risotto', []],
        ['house-red', [], 2],
      ],
    ],
    [
      '7',
      1,
      [
        ['soup', []],
        ['flat-white', ['oat-milk']],
      ],
    ],
  ];
  for (const [table, guests, lines] of tables) {
    const id = till.core.openOrder(table, guests);
    for (const [itemId, modifiers, qty] of lines) {
      till.core.addLine(id, { itemId, modifiers, qty: qty ?? 1 });
    }
    if (table !== '7') till.core.sendToKitchen(id as OrderId);
  }
}

function banner(relay: Relay, tills: Till[], logFile: string): string {
  const http = relay.url.replace(/^ws/, 'http');
  const rows = [
    'Brigade demo: a relay and two tills on loopback',
    '',
    `  relay   ${relay.url}/<branch>/<doc>   journal ${http}/v1/journal`,
  ];
  for (const till of tills) {
    rows.push(
      `  ${till.options.device}  ${till.httpUrl}/api/status   sync ${till.httpUrl.replace(/^http/, 'ws')}/sync/${BRANCH}/menu`,
    );
  }
  const first = tills[0]!.httpUrl;
  rows.push(
    '',
    'Try:',
    `  curl ${first}/api/orders?status=open`,
    `  curl -X POST ${first}/api/orders -d '{"table":"12","guests":2}'`,
    `  curl -N ${tills[1]!.httpUrl}/api/events`,
    '',
    `Logs: ${logFile}`,
    'Ctrl-C stops everything.',
    '',
  );
  return `${rows.join('\n')}\n`;
}

/**
 * One line per device, redrawn in place on a terminal every second, or
 * printed when it changes when the output is not a terminal.
 */
function liveStatus(out: NodeJS.WritableStream, tills: Till[]) {
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  let last: string[] = [];
  const draw = () => {
    const lines = tills.map((t) => statusLine(t.status()));
    if (tty) {
      if (last.length > 0) out.write(`\x1b[${last.length}A`);
      for (const line of lines) out.write(`\x1b[2K${line}\n`);
    } else {
      lines.forEach((line, i) => {
        if (line !== last[i]) out.write(`${line}\n`);
      });
    }
    last = lines;
  };
  draw();
  const timer = setInterval(draw, 1_000);
  return { stop: () => clearInterval(timer) };
}
