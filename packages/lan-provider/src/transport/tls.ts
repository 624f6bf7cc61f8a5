/**
 * TLS 1.2 with a pre-shared key and nothing else: no certificates, one
 * cipher suite. Without the branch's key a handshake fails at its
 * Finished message, before a single application byte is exchanged.
 */
import { connect as netConnect, type Socket } from 'node:net';
import {
  createSecureContext,
  type SecureContext,
  TLSSocket,
  type TLSSocketOptions,
  connect as tlsConnect,
} from 'node:tls';
import { LanError } from '../errors.ts';

export const TLS_CIPHER = 'ECDHE-PSK-CHACHA20-POLY1305';
/** The PSK identity; public, it names the scheme and not the device. */
export const PSK_IDENTITY = 'brigade-lan-1';

let context: SecureContext | undefined;

function secureContext(): SecureContext {
  context ??= createSecureContext({
    ciphers: TLS_CIPHER,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
  });
  return context;
}

/** A TLS session and the TCP socket under it (for wire byte counts). */
export interface SecureLink {
  tls: TLSSocket;
  raw: Socket;
}

/** Wraps an accepted TCP socket as the TLS server side. */
export function acceptTls(raw: Socket, psk: Buffer): TLSSocket {
  // Node's types list the PSK options for `tls.connect` and servers only;
  // the TLSSocket constructor accepts them too.
  const options = {
    isServer: true,
    secureContext: secureContext(),
    pskIdentityHint: PSK_IDENTITY,
    pskCallback: (_socket: TLSSocket, identity: string) =>
      identity === PSK_IDENTITY ? psk : null,
  } as TLSSocketOptions;
  return new TLSSocket(raw, options);
}

/** Dials `host:port` and completes the TLS handshake, or rejects. */
export function dialTls(
  host: string,
  port: number,
  psk: Buffer,
  timeoutMs: number,
): Promise<SecureLink> {
  return new Promise((resolve, reject) => {
    const raw = netConnect({ host, port });
    const tls = tlsConnect({
      socket: raw,
      secureContext: secureContext(),
      pskCallback: () => ({ psk, identity: PSK_IDENTITY }),
      // PSK suites carry no certificate, so there is no name to check.
      checkServerIdentity: () => undefined,
    });
    const fail = (error: Error) => {
      clearTimeout(timer);
      tls.destroy();
      raw.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new LanError('CONNECT_TIMEOUT', `no TLS session in ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    tls.once('error', fail);
    raw.once('error', fail);
    tls.once('secureConnect', () => {
      clearTimeout(timer);
      tls.off('error', fail);
      raw.off('error', fail);
      resolve({ tls, raw });
    });
  });
}
