import { LanError } from '../errors.ts';

export interface PeerAddress {
  host: string;
  port: number;
}

/**
 * Parses `host:port` (or `[v6]:port`), the form static peers are given
 * in; throws `LanError` with code `BAD_STATIC_PEER` otherwise.
 */
export function parsePeerAddress(text: string): PeerAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LanError(
      'BAD_STATIC_PEER',
      `static peer "${text}" is not host:port`,
    );
  }
  return { host, port };
}
