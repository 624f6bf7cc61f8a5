/**
 * Every reason the relay (or any host of the sync endpoint) closes a
 * WebSocket, as a named constant with a documented number. Codes in the
 * 4000 range are Brigade's own and mirror an HTTP status: 44xx means
 * "do not retry" and 45xx "retry later", which is exactly how the stock
 * y-websocket client (3.1 and later) treats them: it stops reconnecting
 * after a 44xx and backs off and reconnects after anything else.
 * 1000, 1001 and 1011 are the standard ones from RFC 6455.
 *
 * | code | name            | meaning                                                    |
 * | ---- | --------------- | ---------------------------------------------------------- |
 * | 1000 | normal          | the client or server closed on purpose                     |
 * | 1001 | goingAway       | the server is shutting down; reconnect later               |
 * | 1011 | internalError   | the document could not be loaded or saved                  |
 * | 4400 | badRequest      | bad path or document name, or a malformed protocol message |
 * | 4401 | unauthorised    | token missing, malformed, forged or expired                |
 * | 4403 | forbidden       | valid token, but not for this branch or organisation       |
 * | 4413 | tooLarge        | one message exceeded the maximum message size (1009 from  |
 * |      |                 | the socket layer when over twice the limit)                |
 * | 4503 | tooManyDocuments| the server holds its maximum of documents in memory        |
 * | 4508 | tooSlow         | the reader fell too far behind; reconnect to resync        |
 * | 4529 | rateLimited     | the connection sent messages faster than allowed           |
 */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  internalError: 1011,
  badRequest: 4400,
  unauthorised: 4401,
  forbidden: 4403,
  tooLarge: 4413,
  tooManyDocuments: 4503,
  tooSlow: 4508,
  rateLimited: 4529,
} as const;

export type CloseReason = keyof typeof CLOSE;
export type CloseCode = (typeof CLOSE)[CloseReason];

/** The reason name of a close code, for logs and metric labels. */
export function closeReasonOf(code: number): CloseReason | 'other' {
  for (const [name, value] of Object.entries(CLOSE)) {
    if (value === code) return name as CloseReason;
  }
  return 'other';
}
