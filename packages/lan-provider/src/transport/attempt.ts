import type { Logger } from '@brigade/log';
import { CLOSE_CODES, closeCodeName, REJECTION_CODES } from '../close-codes.ts';
import type { InputRejected } from '../events.ts';
import type { PeerSession } from '../sync/session.ts';
import type { Connection, ConnectionClosed } from './connection.ts';
import type { DialTarget } from './dialer.ts';

/** A connection from its TLS session to its close, with its session once the hello came. */
export interface Attempt {
  connection: Connection;
  /** Set when this side dialled. */
  target: DialTarget | undefined;
  openedAt: number;
  helloTimer: NodeJS.Timeout;
  session: PeerSession | undefined;
  /** Device id of the side that dialled. */
  dialledBy: string | undefined;
  /** Closed because a preferred connection to the same device replaced it. */
  replaced: boolean;
}

/**
 * Logs why a connection closed: bad input as a warning with its reason,
 * a peer leaving as info. Returns the rejection when the peer sent bad input.
 */
export function logClose(
  log: Logger,
  attempt: Attempt,
  closed: ConnectionClosed,
): InputRejected | undefined {
  const device = attempt.session?.peer.device ?? null;
  const address = attempt.connection.address;
  const codeName = closeCodeName(closed.code);
  const fields = {
    peer: device,
    address,
    code: closed.code,
    codeName,
    reason: closed.reason,
    byPeer: closed.byPeer,
  };
  if (!closed.byPeer && REJECTION_CODES.has(closed.code)) {
    log.warn(fields, 'peer closed for bad input');
    return {
      device,
      address,
      code: closed.code,
      codeName,
      reason: closed.reason,
    };
  }
  if (attempt.session) log.info(fields, 'peer disconnected');
  else log.debug(fields, 'connection closed before hello');
  return undefined;
}

/**
 * Starts tracking a connection whose TLS session is up: the peer has
 * `handshakeTimeoutMs` to say hello before it is closed.
 */
export function openAttempt(
  connection: Connection,
  target: DialTarget | undefined,
  handshakeTimeoutMs: number,
): Attempt {
  return {
    connection,
    target,
    openedAt: Date.now(),
    helloTimer: setTimeout(
      () => connection.close(CLOSE_CODES.HANDSHAKE_TIMEOUT, 'no hello in time'),
      handshakeTimeoutMs,
    ),
    session: undefined,
    dialledBy: undefined,
    replaced: false,
  };
}
