/**
 * The y-websocket wire format: every message starts with a varuint type;
 * sync messages carry a y-protocols sync message (step 1 = state vector,
 * step 2 = missing state, update), awareness messages an awareness update.
 */
import * as encoding from 'lib0/encoding';

/** Top-level message types of the y-websocket protocol. */
export const MESSAGE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const;

/** Sub-types of a sync message (y-protocols/sync). */
export const SYNC = { step1: 0, step2: 1, update: 2 } as const;

/** A sync message of the given sub-type around `payload`. */
export function syncMessage(
  subType: (typeof SYNC)[keyof typeof SYNC],
  payload: Uint8Array,
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.sync);
  encoding.writeVarUint(encoder, subType);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** An awareness message carrying an encoded awareness update. */
export function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
