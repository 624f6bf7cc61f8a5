import type { PeerInfo, SyncState, SyncStateChange } from '../events.ts';
import type { Attempt } from '../transport/attempt.ts';

/** A connected peer with its sync state. */
export interface PeerStatus extends PeerInfo {
  state: SyncState;
  /** When the hello arrived, ms since the epoch. */
  connectedAt: number;
}

/** The peers of the connections that got as far as a hello. */
export function peerStatuses(attempts: Iterable<Attempt>): PeerStatus[] {
  const statuses: PeerStatus[] = [];
  for (const { session, openedAt } of attempts) {
    if (!session) continue;
    statuses.push({
      ...session.peer,
      state: session.state(),
      connectedAt: openedAt,
    });
  }
  return statuses;
}

/** Syncing while any peer still is; synced otherwise (also with no peer). */
export function overallSyncState(
  sessions: ReadonlyMap<string, Attempt>,
): SyncStateChange {
  const peers: Record<string, SyncState> = {};
  for (const [device, { session }] of sessions) {
    if (session) peers[device] = session.state();
  }
  const all = Object.values(peers);
  return { state: all.includes('syncing') ? 'syncing' : 'synced', peers };
}
