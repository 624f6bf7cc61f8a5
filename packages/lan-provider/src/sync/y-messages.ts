/**
 * y-protocols sync and awareness messages, in y-protocols' own byte
 * format, decoded completely and checked before anything is applied: a
 * message is rejected whole, never half applied.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  messageYjsSyncStep1,
  messageYjsSyncStep2,
  messageYjsUpdate,
} from 'y-protocols/sync';
import * as Y from 'yjs';
import { CLOSE_CODES } from '../close-codes.ts';
import { ProtocolError } from '../errors.ts';

export type SyncMessage =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2' | 'update'; update: Uint8Array };

function malformed(what: string): ProtocolError {
  return new ProtocolError(CLOSE_CODES.MESSAGE_MALFORMED, what);
}

function message(kind: number, content: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kind);
  encoding.writeVarUint8Array(encoder, content);
  return encoding.toUint8Array(encoder);
}

export function encodeStep1(doc: Y.Doc): Uint8Array {
  return message(messageYjsSyncStep1, Y.encodeStateVector(doc));
}

export function encodeStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  return message(messageYjsSyncStep2, Y.encodeStateAsUpdate(doc, stateVector));
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  return message(messageYjsUpdate, update);
}

/** Reads a varint and a byte array that must end exactly at the payload's end. */
function readEnvelope(payload: Uint8Array): {
  kind: number;
  content: Uint8Array;
} {
  try {
    const decoder = decoding.createDecoder(payload);
    const kind = decoding.readVarUint(decoder);
    const content = decoding.readVarUint8Array(decoder);
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    return { kind, content };
  } catch {
    throw malformed('sync message does not decode');
  }
}

export function decodeSyncMessage(payload: Uint8Array): SyncMessage {
  const { kind, content } = readEnvelope(payload);
  if (kind === messageYjsSyncStep1) {
    try {
      Y.decodeStateVector(content);
    } catch {
      throw malformed('state vector does not decode');
    }
    return { kind: 'step1', stateVector: content };
  }
  if (kind === messageYjsSyncStep2 || kind === messageYjsUpdate) {
    checkUpdate(content);
    return {
      kind: kind === messageYjsSyncStep2 ? 'step2' : 'update',
      update: content,
    };
  }
  throw new ProtocolError(
    CLOSE_CODES.UNKNOWN_MESSAGE,
    `sync message type ${kind}`,
  );
}

/** Decodes the whole update once, so a broken one fails before it is applied. */
function checkUpdate(update: Uint8Array): void {
  try {
    Y.decodeUpdate(update);
  } catch {
    throw malformed('document update does not decode');
  }
}

/**
 * Checks an awareness update (the message payload is the update itself)
 * and returns the client ids it names.
 */
export function decodeAwareness(payload: Uint8Array): number[] {
  try {
    const decoder = decoding.createDecoder(payload);
    const count = decoding.readVarUint(decoder);
    const clients: number[] = [];
    for (let i = 0; i < count; i++) {
      clients.push(decoding.readVarUint(decoder));
      decoding.readVarUint(decoder);
      const state: unknown = JSON.parse(decoding.readVarString(decoder));
      if (typeof state !== 'object') throw new Error('state is not an object');
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    return clients;
  } catch {
    throw malformed('awareness update does not decode');
  }
}
