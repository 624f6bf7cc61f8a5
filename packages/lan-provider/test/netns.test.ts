/**
 * A real three-host LAN: three network namespaces on a bridge (itself in
 * a fourth namespace), joined by veth pairs, each host running a provider
 * in its own process. Discovery runs over real broadcast on 10.231.7.0/24,
 * an address range that exists only inside these namespaces. Needs root;
 * anywhere else it is skipped and says so.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const SUBNET = '10.231.7';
const tag = `brg${process.pid}`;
const switchNs = `${tag}-sw`;
const hosts = [1, 2, 3].map((i) => ({
  i,
  ns: `${tag}-h${i}`,
  device: `host-${i}`,
}));
const made: string[] = [];
const children: ChildProcess[] = [];
const fixture = fileURLToPath(
  new URL('./fixtures/lan-host.ts', import.meta.url),
);
const root = fileURLToPath(new URL('../../../', import.meta.url));

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`ip ${args.join(' ')}: ${result.stderr || result.error}`);
  }
}

function buildLan(): void {
  for (const ns of [switchNs, ...hosts.map((h) => h.ns)]) {
    ip('netns', 'add', ns);
    made.push(ns);
  }
  ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', switchNs, 'link', 'set', 'br0', 'up');
  for (const { i, ns } of hosts) {
    ip(
      '-n',
      ns,
      'link',
      'add',
      'eth0',
      'type',
      'veth',
      'peer',
      'name',
      `port${i}`,
      'netns',
      switchNs,
    );
    ip('-n', switchNs, 'link', 'set', `port${i}`, 'master', 'br0', 'up');
    ip('-n', ns, 'addr', 'add', `${SUBNET}.${i}/24`, 'brd', '+', 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
}

/**
 * Deletes namespaces an earlier run of this file left behind when it was
 * killed before its cleanup ran (their process no longer exists).
 */
function removeStale(): void {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of listed.stdout.split('\n')) {
    const match = /^(brg(\d+)-(?:sw|h\d))\b/.exec(line);
    if (!match?.[1] || isAlive(Number(match[2]))) continue;
    spawnSync('ip', ['netns', 'del', match[1]]);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills the hosts and deletes every namespace this file made. */
function teardown(): void {
  for (const child of children)
    if (child.exitCode === null) child.kill('SIGKILL');
  for (const ns of made.splice(0)) {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

interface Host {
  send(command: object): Promise<Record<string, unknown>>;
  events: Record<string, unknown>[];
}

function runHost(ns: string): Host {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, '--import', 'tsx', fixture],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const waiting: ((reply: Record<string, unknown>) => void)[] = [];
  const events: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (message.event) events.push(message);
    else waiting.shift()?.(message);
  });
  return {
    events,
    send: (command) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin!.write(`${JSON.stringify(command)}\n`);
      }),
  };
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

interface Running {
  i: number;
  ns: string;
  device: string;
  host: Host;
}

const isRoot = process.getuid?.() === 0;

if (!isRoot) {
  process.stdout.write(
    'netns: SKIPPED, the multi-host LAN test needs root (ip netns)\n',
  );
  test.skip('three hosts on a bridge find each other, survive a cut link and converge', () => {});
} else {
  process.on('exit', teardown);

  test('three hosts on a bridge find each other, survive a cut link and converge', async () => {
    try {
      removeStale();
      buildLan();
      const key = randomBytes(32).toString('hex');
      const lan = hosts.map((h) => ({ ...h, host: runHost(h.ns) }));
      for (const { device, host } of lan) {
        const reply = await host.send({
          cmd: 'start',
          device,
          key,
          broadcast: `${SUBNET}.255`,
        });
        assert.is(reply.ok, 'start');
      }
      const state = (h: Host) => h.send({ cmd: 'state' });
      const peersOf = async (h: Host) =>
        ((await state(h)).peers as string[]).length;
      await until('discovery over broadcast', async () =>
        (await Promise.all(lan.map((l) => peersOf(l.host)))).every(
          (n) => n === 2,
        ),
      );
      const addresses = lan[0]?.host.events
        .filter((e) => e.event === 'peer-connected')
        .map((e) => e.address)
        .sort();
      assert.equal(addresses, [`${SUBNET}.2`, `${SUBNET}.3`]);

      const [h1, h2, h3] = lan as [Running, Running, Running];
      const items = async (h: Host) =>
        (await state(h)).items as Record<string, unknown>;
      await h1.host.send({ cmd: 'edit', key: 'before', value: 1 });
      await until('first edit everywhere', async () =>
        (await Promise.all(lan.map((l) => items(l.host)))).every(
          (i) => i.before === 1,
        ),
      );

      // Cut host 3's link; the others notice within a few seconds.
      ip('-n', h3.ns, 'link', 'set', 'eth0', 'down');
      const detectedIn = await until(
        'host 3 declared dead',
        async () =>
          (await peersOf(h1.host)) === 1 && (await peersOf(h2.host)) === 1,
        10_000,
      );
      assert.ok(detectedIn < 5000, `dead peer noticed after ${detectedIn} ms`);
      await h1.host.send({ cmd: 'edit', key: 'during-h1', value: 'a' });
      await h3.host.send({ cmd: 'edit', key: 'during-h3', value: 'b' });
      await h2.host.send({ cmd: 'edit', key: 'before', value: 2 });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.is(
        (await state(h3.host)).items &&
          ((await state(h3.host)).items as Record<string, unknown>)[
            'during-h1'
          ],
        undefined,
      );

      // Restore it: everyone converges on the same items.
      ip('-n', h3.ns, 'link', 'set', 'eth0', 'up');
      await until(
        'convergence after the cut',
        async () => {
          const all = await Promise.all(lan.map((l) => state(l.host)));
          const json = all.map((s) =>
            JSON.stringify(Object.entries(s.items as object).sort()),
          );
          return (
            all.every((s) => (s.peers as string[]).length === 2) &&
            json.every((j) => j === json[0])
          );
        },
        30_000,
      );
      assert.equal(await items(h1.host), {
        before: 2,
        'during-h1': 'a',
        'during-h3': 'b',
      });
      for (const { host } of lan) await host.send({ cmd: 'stop' });
    } finally {
      teardown();
    }
  });
}

test.run();
