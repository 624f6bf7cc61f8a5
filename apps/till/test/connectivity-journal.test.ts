import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JournalEntry, Store } from '@brigade/store';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ConnectivityJournal,
  type ConnectivityReading,
} from '../src/sync/connectivity-journal.ts';
import type { RelayState, SyncState } from '../src/sync/status.ts';

const DEBOUNCE_MS = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function reading(
  relay: RelayState,
  state: SyncState,
  lastError: string | null = null,
): ConnectivityReading {
  return {
    state,
    relay: {
      state: relay,
      docs: 4,
      docsSynced: relay === 'connected' ? 4 : 0,
      journalReachable: relay === 'connected',
      lastError,
    },
  };
}

/** A store in a fresh folder and a journal of its transitions. */
function setUp(dir = mkdtempSync(join(tmpdir(), 'brigade-'))) {
  const store = Store.open({ dir, device: 'till-1', branch: 'b1' });
  let now = reading('connecting', 'offline');
  const journal = new ConnectivityJournal({
    store,
    user: 'till-1',
    businessDate: () => '2026-12-03',
    read: () => now,
    debounceMs: DEBOUNCE_MS,
  });
  const see = (r: ConnectivityReading) => {
    now = r;
    journal.observe(r);
  };
  const transitions = (): JournalEntry[] =>
    store.journal
      .entriesAfter(0, 100)
      .filter((e) => e.kind === 'offline' || e.kind === 'online');
  const close = () => {
    journal.stop();
    store.close();
  };
  return { dir, store, journal, see, transitions, close };
}

test('journals nothing while the relay link connects at start-up', async () => {
  const t = setUp();
  try {
    t.see(reading('connecting', 'offline'));
    await sleep(DEBOUNCE_MS / 4);
    t.see(reading('connected', 'syncing'));
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(t.transitions(), []);
  } finally {
    t.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('journals nothing for a flap shorter than the debounce', async () => {
  const t = setUp();
  try {
    t.see(reading('connected', 'online'));
    for (let i = 0; i < 4; i++) {
      t.see(reading('disconnected', 'lan-only', 'close 1006'));
      await sleep(DEBOUNCE_MS / 4);
      t.see(reading('connected', 'syncing'));
      await sleep(DEBOUNCE_MS / 4);
    }
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(t.transitions(), []);
  } finally {
    t.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('journals one entry per lasting change, with from, to and the reason', async () => {
  const t = setUp();
  try {
    t.see(reading('connected', 'online'));
    t.see(reading('disconnected', 'lan-only', 'close 1006'));
    t.see(reading('disconnected', 'offline', 'connect ECONNREFUSED'));
    await sleep(DEBOUNCE_MS * 3);
    t.see(reading('disconnected', 'offline', 'connect ECONNREFUSED'));
    t.see(reading('connected', 'syncing'));
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(
      t.transitions().map((e) => [e.kind, e.payload, e.user, e.total]),
      [
        [
          'offline',
          {
            from: 'online',
            reason: 'relay disconnected: connect ECONNREFUSED',
            to: 'offline',
          },
          'till-1',
          0,
        ],
        [
          'online',
          { from: 'offline', reason: 'relay connected', to: 'syncing' },
          'till-1',
          0,
        ],
      ],
    );
  } finally {
    t.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

/** Journals an outage on a first store, closes it, reopens the folder. */
async function restartedOffline() {
  const first = setUp();
  first.see(reading('connected', 'online'));
  first.see(reading('forbidden', 'offline', 'close 4403'));
  await sleep(DEBOUNCE_MS * 3);
  first.close();
  return setUp(first.dir);
}

test('reads the last transition back, so a restart does not repeat it', async () => {
  const t = await restartedOffline();
  try {
    assert.is(t.journal.journalled, 'offline');
    t.see(reading('connecting', 'lan-only'));
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(
      t.transitions().map((e) => [e.kind, e.payload.reason]),
      [['offline', 'relay refused this till: close 4403']],
    );
    t.see(reading('connected', 'online'));
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(
      t.transitions().map((e) => [e.kind, e.payload.from, e.payload.to]),
      [
        ['offline', 'online', 'offline'],
        ['online', 'lan-only', 'online'],
      ],
    );
  } finally {
    t.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('starts from the state the journal last recorded after a restart', async () => {
  const t = await restartedOffline();
  try {
    t.see(reading('connected', 'syncing'));
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(t.transitions().at(-1)?.payload, {
      from: 'offline',
      reason: 'relay connected',
      to: 'syncing',
    });
  } finally {
    t.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('a first start without the relay journals offline from an unknown state', async () => {
  const t = setUp();
  try {
    t.see(reading('connecting', 'offline', 'connect ECONNREFUSED'));
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(
      t.transitions().map((e) => [e.kind, e.payload.from, e.payload.to]),
      [['offline', null, 'offline']],
    );
  } finally {
    t.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test('stop drops a change still in its debounce', async () => {
  const t = setUp();
  try {
    t.see(reading('disconnected', 'offline'));
    t.journal.stop();
    await sleep(DEBOUNCE_MS * 3);
    t.see(reading('disconnected', 'offline'));
    await sleep(DEBOUNCE_MS * 3);
    assert.equal(t.transitions(), []);
  } finally {
    t.close();
    rmSync(t.dir, { recursive: true, force: true });
  }
});

test.run();
