import * as Y from 'yjs';
import { automergeEngine } from '../engine/automerge.ts';
import type { Engine } from '../engine/engine.ts';
import { yjsEngine } from '../engine/yjs.ts';

/** Makes engines of one kind for the conformance suite. */
export interface EngineFactory {
  /** `yjs` or `automerge`. */
  name: string;
  /** A new, empty document for replica number `replica` (0, 1, ...). */
  create(replica: number): Engine;
  /** A document loaded from `Engine.encodeState()` bytes. */
  load(state: Uint8Array, replica: number): Engine;
}

/** Yjs documents with client id `replica + 1`, so runs replay exactly. */
export const yjsFactory: EngineFactory = {
  name: 'yjs',
  create(replica) {
    const doc = new Y.Doc();
    doc.clientID = replica + 1;
    return yjsEngine(doc);
  },
  load(state, replica) {
    const doc = new Y.Doc();
    doc.clientID = replica + 1000;
    Y.applyUpdate(doc, state);
    return yjsEngine(doc);
  },
};

/** Automerge documents with an actor id derived from `replica`. */
export const automergeFactory: EngineFactory = {
  name: 'automerge',
  create(replica) {
    return automergeEngine({ actor: actorOf(replica) });
  },
  load(state, replica) {
    return automergeEngine({ data: state, actor: actorOf(replica + 1000) });
  },
};

function actorOf(replica: number): string {
  return (replica + 1).toString(16).padStart(32, '0');
}
