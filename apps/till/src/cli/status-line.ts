/** A till's status in one line, for the demo and for people at a terminal. */
import type { TillStatus } from '../sync/status.ts';

export function statusLine(s: TillStatus): string {
  const peers = s.peers.map((p) => p.device).join(',') || 'none';
  const age =
    s.outbox.oldestPendingAgeMs === null
      ? ''
      : ` (oldest ${Math.round(s.outbox.oldestPendingAgeMs / 1000)} s)`;
  const parts = [
    s.device.padEnd(8),
    s.state.padEnd(8),
    `peers: ${peers}`,
    `relay: ${s.relay.state}`,
    `outbox: ${s.outbox.pending} pending${age}`,
    `conflicts: ${s.conflicts}`,
  ];
  if (s.zatca.message) parts.push(`ZATCA: ${s.zatca.message}`);
  return parts.join('  ');
}
