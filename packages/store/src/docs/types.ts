/** Options, results and events of the update log. */
import type { Logger } from '@brigade/log';

/** Options of {@link UpdateLog}; every one has a default. */
export interface UpdateLogOptions {
  /** Compact a document once its tail holds this many updates. */
  compactAfterUpdates?: number;
  /** Compact a document once its tail holds this many bytes. */
  compactAfterBytes?: number;
  /**
   * Decode every update before appending it, so that bytes which are not
   * a Yjs update are refused instead of breaking the document's next load.
   * Costs some microseconds per update.
   */
  validate?: boolean;
  /**
   * Drop the content of deleted items when compacting, as a live `Y.Doc`
   * does. Turn off for documents kept with `gc: false` for their history.
   */
  gc?: boolean;
  /**
   * Fold documents on a worker thread during background compaction, so a
   * large document does not stall the event loop; `compact()` always
   * folds on the calling thread.
   */
  worker?: boolean;
  /** Where to log; a child with `ns: 'update-log'` is made of it. */
  logger?: Logger;
  /** Milliseconds since the epoch; recorded as the compaction time. */
  now?: () => number;
}

/** The defaults of {@link UpdateLogOptions}. */
export const UPDATE_LOG_DEFAULTS = {
  compactAfterUpdates: 500,
  compactAfterBytes: 1024 * 1024,
  validate: true,
  gc: true,
  worker: true,
} as const;

/** What one compaction did. */
export interface CompactionResult {
  name: string;
  /** Tail updates folded into the new snapshot. */
  folded: number;
  /** Bytes of those updates. */
  tailBytes: number;
  /** Bytes of the new snapshot. */
  snapshotBytes: number;
  /** Time spent, in milliseconds. */
  ms: number;
}

/** How much room one document takes. */
export interface DocSize {
  name: string;
  snapshotBytes: number;
  tailUpdates: number;
  tailBytes: number;
  /** When the snapshot was written (ms since the epoch), or null if none. */
  compactedAt: number | null;
}

/** Events of {@link UpdateLog}, each with one payload object. */
export interface UpdateLogEvents {
  compacted: [CompactionResult];
  'compaction-failed': [{ name: string; error: unknown }];
  /** A bound document's update could not be written; see {@link UpdateLog.bind}. */
  'append-failed': [{ name: string; error: unknown }];
}
