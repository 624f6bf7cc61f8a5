import { type CloseCode, closeCodeName } from './close-codes.ts';

/** Every error this package throws carries a stable string `code`. */
export class LanError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'LanError';
    this.code = code;
  }
}

/**
 * A peer broke the protocol. It carries the close code the connection is
 * closed with; `code` is the constant's name, such as `'FRAME_TOO_LARGE'`.
 */
export class ProtocolError extends LanError {
  readonly closeCode: CloseCode;

  constructor(closeCode: CloseCode, message: string) {
    super(closeCodeName(closeCode), message);
    this.name = 'ProtocolError';
    this.closeCode = closeCode;
  }
}
