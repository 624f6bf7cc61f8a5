/**
 * The small contract that the domain is written against. A table holds
 * records by id; a record has last-writer-wins fields, per-writer counters
 * and grow-only sets. The Yjs and Automerge engines implement it, so every
 * domain operation and view is written once.
 */

/** A plain JSON value, as stored in a field. */
export type Json =
  | null
  | boolean
  | number
  | string
  | Json[]
  | { [key: string]: Json };

/** A plain JSON object. */
export type JsonObject = { [key: string]: Json };

/**
 * One record as every replica sees it after merging: a plain, frozen value
 * that is replaced (never mutated) when the record changes.
 */
export interface EngineRecord {
  readonly id: string;
  /** Last-writer-wins fields: the creation values overlaid by later sets. */
  readonly fields: Readonly<JsonObject>;
  /** Counter field → writer id → that writer's contribution. */
  readonly counters: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Set field → members, sorted. Members are only ever added. */
  readonly sets: Readonly<Record<string, readonly string[]>>;
}

/** The writes one transaction may make; applied together or not at all. */
export interface EngineWriter {
  /** Writes a record's creation fields in one entry (cheaper than `set`). */
  create(table: string, id: string, fields: JsonObject): void;
  /** Sets one field; concurrent sets of the same field: one wins. */
  set(table: string, id: string, field: string, value: Json): void;
  /** Adds `delta` to the transaction writer's contribution to a counter. */
  add(table: string, id: string, field: string, delta: number): void;
  /** Adds a member to a grow-only set. */
  addToSet(table: string, id: string, field: string, member: string): void;
}

/** What changed in one transaction, local or received. */
export interface EngineChange {
  /** Table name → ids of the records that changed. */
  readonly tables: ReadonlyMap<string, ReadonlySet<string>>;
  /** True when the change was made through {@link Engine.transact}. */
  readonly local: boolean;
}

/** A CRDT engine holding one document, seen as tables of records. */
export interface Engine {
  /** `yjs` or `automerge`: names the engine in benchmarks and tests. */
  readonly kind: string;
  /**
   * Runs `build`, collecting its writes, then applies them in one
   * transaction attributed to `writer` (the counter key). If `build`
   * throws, nothing is written.
   */
  transact(writer: string, build: (tx: EngineWriter) => void): void;
  /** The current record, or undefined if no replica has written it. */
  record(table: string, id: string): EngineRecord | undefined;
  /** Ids of every record in a table, in no particular order. */
  ids(table: string): string[];
  /**
   * Calls `listener` after every transaction that changed a record of a
   * table this engine has been asked about (through `record` or `ids`;
   * the domain classes ask about all of theirs when they are created).
   */
  onChange(listener: (change: EngineChange) => void): () => void;
  /**
   * Calls `listener` with the binary update of every change made here
   * (not those received through {@link Engine.applyUpdate}).
   */
  onUpdate(listener: (update: Uint8Array) => void): () => void;
  /** Merges an update from another replica; duplicates are harmless. */
  applyUpdate(update: Uint8Array): void;
  /** The whole document, encoded: loading it gives the same records. */
  encodeState(): Uint8Array;
}
