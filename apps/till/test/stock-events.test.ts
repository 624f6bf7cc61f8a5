import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoMenu } from '@brigade/crdt-model';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateBranchKey } from '../src/cli/keygen.ts';
import { Till } from '../src/till.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read loosely typed JSON
type Json = Record<string, any>;

/** The `stock` events of a till's `/api/events` stream, as they arrive. */
class StockEvents {
  readonly seen: Json[] = [];
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;

  constructor(url: string) {
    this.#done = this.#read(url).catch(() => {});
  }

  async next(check: (e: Json) => boolean, what: string): Promise<Json> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.seen.find(check);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no stock event: ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  async #read(url: string): Promise<void> {
    const res = await fetch(url, { signal: this.#abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body!) {
      buffer += decoder.decode(chunk, { stream: true });
      const frames = buffer.split('\n\n');
      buffer = frames.pop()!;
      for (const frame of frames) {
        const lines = frame.split('\n');
        if (!lines.includes('event: stock')) continue;
        const data = lines.find((l) => l.startsWith('data: '))!;
        this.seen.push(JSON.parse(data.slice(6)));
      }
    }
  }
}

async function api(till: Till, method: string, path: string, body?: unknown) {
  const res = await fetch(`${till.httpUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

test('the event stream announces stock levels and 86d items as they change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'brigade-'));
  const till = await Till.start(
    {
      dataDir: dir,
      branch: 'b1',
      device: 'till-1',
      httpHost: '127.0.0.1',
      httpPort: 0,
      lanPort: 0,
      discoveryPort: 40000 + Math.floor(Math.random() * 20000),
      broadcast: '127.255.255.255',
      peers: [],
      relay: null,
      branchKey: generateBranchKey(),
      menu: { kind: 'demo' },
    },
    { menu: demoMenu },
  );
  const events = new StockEvents(`${till.httpUrl}/api/events`);
  try {
    // A new stream gets the current stock at once.
    await events.next((e) => Array.isArray(e.stock), 'on connect');

    await api(till, 'POST', '/api/stock', {
      id: 'patty',
      name: 'Beef patty',
      unit: 'piece',
      initial: 1,
      threshold: 0,
    });
    await api(till, 'POST', '/api/recipes/burger', { base: { patty: 1 } });
    const defined = await events.next(
      (e) => e.stock.some((s: Json) => s.id === 'patty' && s.level === 1),
      'the new stock item',
    );
    assert.not.ok(defined.unavailable.includes('burger'));

    // The last patty sold in the kitchen: the burger is sold out at once.
    const order = (await api(till, 'POST', '/api/orders', { table: '1' })).body;
    await api(till, 'POST', `/api/orders/${order.id}/lines`, {
      itemId: 'burger',
      modifiers: ['medium'],
    });
    await api(till, 'POST', `/api/orders/${order.id}/send`);
    const soldOut = await events.next(
      (e) => e.unavailable.includes('burger'),
      'the burger sold out',
    );
    assert.is(soldOut.stock.find((s: Json) => s.id === 'patty').level, 0);

    // An 86 by hand.
    await api(till, 'POST', '/api/items/soup/availability', {
      available: false,
    });
    const eightySixed = await events.next(
      (e) => e.unavailable.includes('soup'),
      'the soup 86d by hand',
    );
    const soup = eightySixed.items.find((i: Json) => i.itemId === 'soup');
    assert.equal([soup.available, soup.manual], [false, true]);
  } finally {
    await events.close();
    await till.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
