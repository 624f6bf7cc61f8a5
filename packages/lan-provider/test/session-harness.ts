/** Two `PeerSession`s joined by an in-memory link, for unit and fuzz tests. */
import { silentLogger } from '@brigade/log';
import * as Y from 'yjs';
import { emptyCounters } from '../src/counters.ts';
import type { Frame } from '../src/framing/frame.ts';
import { DocRegistry } from '../src/sync/doc-registry.ts';
import { InitialSyncGate } from '../src/sync/initial-sync-gate.ts';
import { JournalHub } from '../src/sync/journal-hub.ts';
import type { Link } from '../src/sync/link.ts';
import { PeerSession } from '../src/sync/session.ts';
import { MemoryJournal } from './memory-journal.ts';

export class MemoryLink implements Link {
  sent: Frame[] = [];
  closedWith: { code: number; reason: string } | undefined;
  /** Where frames go, synchronously, when set. */
  deliver: ((frame: Frame) => void) | undefined;

  send(channel: string, type: number, payload: Uint8Array): void {
    if (this.closedWith) return;
    const frame = { channel, type, payload: Uint8Array.from(payload) };
    this.sent.push(frame);
    this.deliver?.(frame);
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }
}

export interface Side {
  device: string;
  docs: DocRegistry;
  journal: MemoryJournal;
  hub: JournalHub;
  gate: InitialSyncGate<object>;
  link: MemoryLink;
  session: PeerSession;
}

export function side(device: string, peer: string, docNames: string[]): Side {
  const docs = new DocRegistry();
  for (const name of docNames) docs.add(name, new Y.Doc());
  docs.attachAll();
  const journal = new MemoryJournal(device);
  const hub = new JournalHub(journal, 0, silentLogger);
  hub.start();
  const gate = new InitialSyncGate<object>(1000);
  const link = new MemoryLink();
  const session = new PeerSession(
    { device: peer, role: 'till', address: '127.0.0.1', port: 1 },
    link,
    {
      docs,
      gate,
      journal: hub,
      journalBatch: 4,
      maxFrameBytes: 1 << 20,
      counters: emptyCounters(),
      log: silentLogger,
      onState: () => {},
    },
  );
  return { device, docs, journal, hub, gate, link, session };
}

/** Joins two sides so that each one's frames reach the other's session. */
export function join(a: Side, b: Side): void {
  a.link.deliver = (frame) => b.session.receive(frame);
  b.link.deliver = (frame) => a.session.receive(frame);
}

export function dispose(...sides: Side[]): void {
  for (const s of sides) {
    s.session.dispose();
    s.docs.detachAll();
    s.gate.clear();
    s.hub.stop();
  }
}
