/**
 * Where the chaos run's processes live and how their network breaks.
 *
 * As root with `ip`, each till and the relay get a network namespace on
 * one bridge (the LAN, 10.231.9.0/24), the way the lan-provider netns
 * test builds its three hosts; a partition is `ip link set eth0 down`,
 * a cut to the relay takes its bridge port down, and with `iptables`
 * packet loss is the `statistic` match dropping a share of a till's LAN
 * packets. Each namespace also has a point-to-point control link to the
 * harness (10.232.x.0/30, not bridged and not routed), so the harness
 * keeps driving a partitioned till the way its own touchscreen would.
 * Without root everything runs on loopback and only process kills are
 * possible.
 */
import { spawnSync } from 'node:child_process';
import { freePort } from '../e2e/harness.ts';

export type LanMode = 'netns' | 'loopback';

/** Where one till runs and which flags place it there. */
export interface TillPlace {
  netns?: string;
  httpHost?: string;
  broadcast: string;
  discoveryPort: number;
  lanPort: number;
}

/** Where the relay runs: what it binds, and how each side reaches it. */
export interface RelayPlace {
  netns?: string;
  bindHost: string;
  port: number;
  /** Base address the tills use (`host:port`). */
  forTills: string;
  /** Base address the harness uses for the JSON API. */
  forHarness: string;
}

export interface Lan {
  readonly mode: LanMode;
  /** Partitions and relay cuts by link (netns only). */
  readonly canPartition: boolean;
  /** Packet loss (netns with iptables). */
  readonly canDropPackets: boolean;
  till(index: number): TillPlace;
  relay(): RelayPlace;
  partition(index: number): void;
  heal(index: number): void;
  cutRelay(): void;
  restoreRelay(): void;
  /** Drops `percent` % of till `index`'s LAN packets, both ways. */
  dropPackets(index: number, percent: number): void;
  /**
   * Drops every packet between till `index` and the other tills, while
   * the relay stays reachable: the tills can sync only through it.
   */
  splitFromPeers(index: number): void;
  /** Removes every drop rule of till `index` (loss and split). */
  stopDropping(index: number): void;
  /** Undoes every partition, cut and loss rule. */
  healAll(): void;
  /** Removes every namespace and link this LAN made. */
  teardown(): void;
}

const LAN = '10.231.9';
const RELAY_HOST = 250;
const RELAY_PORT = 8787;

function run(cmd: string, args: string[]): void {
  const result = spawnSync(cmd, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')}: ${result.stderr || result.error}`,
    );
  }
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** True when this process may build namespaces. */
export function netnsAvailable(): boolean {
  return process.getuid?.() === 0 && has('ip');
}

/** Namespaces on a bridge; see the file comment. */
export class NetnsLan implements Lan {
  readonly mode = 'netns';
  readonly canPartition = true;
  readonly canDropPackets = has('iptables');
  #tag = `chaos${process.pid}`;
  #made: string[] = [];
  #rootLinks: string[] = [];
  #tills: number;
  #ctlBase = freeControlBase();

  constructor(tills: number) {
    this.#tills = tills;
    removeStale();
    try {
      this.#build();
    } catch (error) {
      this.teardown();
      throw error;
    }
  }

  #ns(name: string): string {
    return `${this.#tag}-${name}`;
  }

  #build(): void {
    const sw = this.#ns('sw');
    this.#addNs(sw);
    run('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    run('ip', ['-n', sw, 'link', 'set', 'br0', 'up']);
    for (let i = 1; i <= this.#tills; i++) this.#host(`t${i}`, i, i);
    this.#host('relay', RELAY_HOST, 0);
  }

  #addNs(ns: string): void {
    run('ip', ['netns', 'add', ns]);
    this.#made.push(ns);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  /** One host: a LAN leg on the bridge and a control leg to the harness. */
  #host(name: string, lanHost: number, ctl: number): void {
    const ns = this.#ns(name);
    const sw = this.#ns('sw');
    this.#addNs(ns);
    const port = `port-${name}`;
    run('ip', [
      '-n',
      ns,
      'link',
      'add',
      'eth0',
      'type',
      'veth',
      'peer',
      'name',
      port,
      'netns',
      sw,
    ]);
    run('ip', ['-n', sw, 'link', 'set', port, 'master', 'br0', 'up']);
    run('ip', [
      '-n',
      ns,
      'addr',
      'add',
      `${LAN}.${lanHost}/24`,
      'brd',
      '+',
      'dev',
      'eth0',
    ]);
    run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);

    const rootEnd = `ch${process.pid}${name[0]}${ctl}`;
    const net = `10.232.${this.#ctlBase + ctl}`;
    run('ip', [
      'link',
      'add',
      rootEnd,
      'type',
      'veth',
      'peer',
      'name',
      'ctl0',
      'netns',
      ns,
    ]);
    this.#rootLinks.push(rootEnd);
    run('ip', ['addr', 'add', `${net}.1/30`, 'dev', rootEnd]);
    run('ip', ['link', 'set', rootEnd, 'up']);
    run('ip', ['-n', ns, 'addr', 'add', `${net}.2/30`, 'dev', 'ctl0']);
    run('ip', ['-n', ns, 'link', 'set', 'ctl0', 'up']);
  }

  till(index: number): TillPlace {
    return {
      netns: this.#ns(`t${index + 1}`),
      httpHost: `10.232.${this.#ctlBase + index + 1}.2`,
      broadcast: `${LAN}.255`,
      discoveryPort: 55799,
      lanPort: 55800,
    };
  }

  relay(): RelayPlace {
    return {
      netns: this.#ns('relay'),
      bindHost: '0.0.0.0',
      port: RELAY_PORT,
      forTills: `${LAN}.${RELAY_HOST}:${RELAY_PORT}`,
      forHarness: `10.232.${this.#ctlBase}.2:${RELAY_PORT}`,
    };
  }

  partition(index: number): void {
    run('ip', ['-n', this.#ns(`t${index + 1}`), 'link', 'set', 'eth0', 'down']);
  }

  heal(index: number): void {
    run('ip', ['-n', this.#ns(`t${index + 1}`), 'link', 'set', 'eth0', 'up']);
  }

  cutRelay(): void {
    run('ip', ['-n', this.#ns('sw'), 'link', 'set', 'port-relay', 'down']);
  }

  restoreRelay(): void {
    run('ip', ['-n', this.#ns('sw'), 'link', 'set', 'port-relay', 'up']);
  }

  dropPackets(index: number, percent: number): void {
    const p = String(percent / 100);
    const random = ['-m', 'statistic', '--mode', 'random', '--probability', p];
    this.#iptables(index, '-A', 'INPUT', '-i', 'eth0', ...random, '-j', 'DROP');
    this.#iptables(
      index,
      '-A',
      'OUTPUT',
      '-o',
      'eth0',
      ...random,
      '-j',
      'DROP',
    );
  }

  splitFromPeers(index: number): void {
    for (let other = 1; other <= this.#tills; other++) {
      if (other === index + 1) continue;
      const peer = `${LAN}.${other}`;
      this.#iptables(index, '-A', 'INPUT', '-s', peer, '-j', 'DROP');
      this.#iptables(index, '-A', 'OUTPUT', '-d', peer, '-j', 'DROP');
    }
  }

  stopDropping(index: number): void {
    this.#iptables(index, '-F');
  }

  #iptables(index: number, ...args: string[]): void {
    const ns = this.#ns(`t${index + 1}`);
    run('ip', ['netns', 'exec', ns, 'iptables', ...args]);
  }

  healAll(): void {
    for (let i = 0; i < this.#tills; i++) {
      this.heal(i);
      if (this.canDropPackets) this.stopDropping(i);
    }
    this.restoreRelay();
  }

  teardown(): void {
    for (const link of this.#rootLinks.splice(0)) {
      spawnSync('ip', ['link', 'del', link]);
    }
    for (const ns of this.#made.splice(0).reverse()) {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  }
}

/**
 * The first block of 10.232.x.0/24 networks (five, one per host) that no
 * interface of this machine uses yet, so two runs at once do not share
 * control addresses.
 */
function freeControlBase(): number {
  const listed = spawnSync('ip', ['-o', '-4', 'addr', 'show'], {
    encoding: 'utf8',
  });
  const used = new Set(
    [...(listed.stdout ?? '').matchAll(/ 10\.232\.(\d+)\./g)].map((m) =>
      Number(m[1]),
    ),
  );
  for (let base = 0; base < 250; base += 5) {
    if (![0, 1, 2, 3, 4].some((i) => used.has(base + i))) return base;
  }
  throw new Error('no free 10.232.x.0 block for the control links');
}

/**
 * Deletes namespaces (and with them their links) that an earlier run
 * left behind when it was killed before its teardown ran.
 */
function removeStale(): void {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of (listed.stdout ?? '').split('\n')) {
    const match = /^(chaos(\d+)-\S+)/.exec(line);
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

/** Everything on loopback: discovery on 127.255.255.255, kills only. */
export class LoopbackLan implements Lan {
  readonly mode = 'loopback';
  readonly canPartition = false;
  readonly canDropPackets = false;
  #places: TillPlace[];
  #relay: RelayPlace;

  private constructor(places: TillPlace[], relay: RelayPlace) {
    this.#places = places;
    this.#relay = relay;
  }

  static async create(tills: number): Promise<LoopbackLan> {
    const discoveryPort = 20_000 + Math.floor(Math.random() * 30_000);
    const places: TillPlace[] = [];
    for (let i = 0; i < tills; i++) {
      places.push({
        broadcast: '127.255.255.255',
        discoveryPort,
        lanPort: await freePort(),
      });
    }
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    return new LoopbackLan(places, {
      bindHost: '127.0.0.1',
      port,
      forTills: address,
      forHarness: address,
    });
  }

  till(index: number): TillPlace {
    return this.#places[index]!;
  }

  relay(): RelayPlace {
    return this.#relay;
  }

  partition(): void {
    throw new Error('partitions need network namespaces (root)');
  }

  heal(): void {}
  cutRelay(): void {
    throw new Error('relay cuts need network namespaces (root)');
  }
  restoreRelay(): void {}
  dropPackets(): void {
    throw new Error('packet loss needs network namespaces and iptables');
  }
  splitFromPeers(): void {
    throw new Error('a LAN split needs network namespaces and iptables');
  }
  stopDropping(): void {}
  healAll(): void {}
  teardown(): void {}
}
