/** What a provider has done so far; read with `provider.counters()`. */
export interface LanCounters {
  framesIn: number;
  framesOut: number;
  /** Frame bytes (plaintext, length prefixes included). */
  bytesIn: number;
  bytesOut: number;
  /** Bytes on the TCP sockets, TLS records included. */
  wireBytesIn: number;
  wireBytesOut: number;
  beaconsSent: number;
  beaconsAccepted: number;
  /** Ignored beacons by reason: malformed, foreign-branch, forged, stale, replayed. */
  beaconsRejected: Record<string, number>;
  /** Peers closed for bad input, by close-code name. */
  rejectedInput: Record<string, number>;
  /** Connection attempts that failed before the hello (TCP, TLS or timeout). */
  dialFailures: number;
  /** TLS handshakes refused by the listener (wrong key, wrong cipher, ...). */
  handshakeFailures: number;
  journalEntriesSent: number;
  journalEntriesStored: number;
}

export function emptyCounters(): LanCounters {
  return {
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    wireBytesIn: 0,
    wireBytesOut: 0,
    beaconsSent: 0,
    beaconsAccepted: 0,
    beaconsRejected: {},
    rejectedInput: {},
    dialFailures: 0,
    handshakeFailures: 0,
    journalEntriesSent: 0,
    journalEntriesStored: 0,
  };
}

export function countBy(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}
