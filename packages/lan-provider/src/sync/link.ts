/** The side of a connection that channels write to. */
export interface Link {
  send(channel: string, type: number, payload: Uint8Array): void;
  close(code: number, reason: string): void;
}
