/**
 * An in-memory `JournalReplication` for unit tests of the channel logic
 * only; integration tests use the real SQLite store. It chains entries by
 * a SHA-256 over their JSON and verifies replicas the same way.
 */
import { createHash } from 'node:crypto';
import type { JournalEntry, JournalReplication } from '@brigade/store';

export class MemoryJournal implements JournalReplication {
  readonly device: string;
  readonly chains = new Map<string, JournalEntry[]>();

  constructor(device: string) {
    this.device = device;
  }

  append(count: number): void {
    for (let i = 0; i < count; i++) {
      const chain = this.#chain(this.device);
      const seq = chain.length + 1;
      const draft = {
        device: this.device,
        seq,
        kind: 'drawer-open' as const,
        ts: new Date(1_800_000_000_000 + seq).toISOString(),
        businessDate: '2026-12-03',
        user: 'u1',
        docNo: null,
        payload: {},
        total: 0,
        tax: 0,
        running: { sales: 0, credits: 0, net: 0 },
        prevHash: chain.at(-1)?.hash ?? 'genesis',
      };
      chain.push({ ...draft, hash: hashOf(draft) });
    }
  }

  heads(): Record<string, number> {
    const heads: Record<string, number> = { [this.device]: 0 };
    for (const [device, chain] of this.chains) {
      if (chain.length > 0) heads[device] = chain.length;
    }
    return heads;
  }

  entriesAfter(
    device: string,
    afterSeq: number,
    limit: number,
  ): JournalEntry[] {
    return this.#chain(device).slice(afterSeq, afterSeq + limit);
  }

  acceptReplicas(entries: JournalEntry[]): {
    stored: number;
    duplicates: number;
  } {
    const staged = new Map<string, JournalEntry[]>();
    let duplicates = 0;
    for (const entry of entries) {
      if (entry.device === this.device) reject('own chain');
      const chain = staged.get(entry.device) ?? [...this.#chain(entry.device)];
      staged.set(entry.device, chain);
      const { hash, ...rest } = entry;
      if (hashOf(rest) !== hash) reject(`bad hash at ${entry.seq}`);
      if (entry.seq <= chain.length) {
        if (chain[entry.seq - 1]?.hash !== hash) reject(`fork at ${entry.seq}`);
        duplicates++;
        continue;
      }
      if (entry.seq !== chain.length + 1) reject(`gap before ${entry.seq}`);
      if (entry.prevHash !== (chain.at(-1)?.hash ?? 'genesis'))
        reject('broken chain');
      chain.push(entry);
    }
    let stored = 0;
    for (const [device, chain] of staged) {
      stored += chain.length - this.#chain(device).length;
      this.chains.set(device, chain);
    }
    return { stored, duplicates };
  }

  #chain(device: string): JournalEntry[] {
    let chain = this.chains.get(device);
    if (!chain) {
      chain = [];
      this.chains.set(device, chain);
    }
    return chain;
  }
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

function reject(message: string): never {
  throw Object.assign(new Error(message), { code: 'replica-rejected' });
}
