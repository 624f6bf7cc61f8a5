/**
 * The LAN provider: devices of one branch find each other with
 * authenticated UDP beacons and sync Yjs documents and fiscal journals
 * over TLS-PSK, with no internet.
 *
 * The till constructs one provider per process:
 *
 * @example
 * import { LanProvider } from '@brigade/lan-provider';
 *
 * const lan = new LanProvider({
 *   device: 'till-1',               // unique in the branch
 *   branch: 'b1',
 *   role: 'till',                   // shown to peers: till, kds, tablet
 *   branchKey,                      // Buffer, the branch's shared secret
 *   port: 55800,                    // TLS listener (default)
 *   discoveryPort: 55799,           // UDP beacons (default)
 *   broadcastAddress: '255.255.255.255',
 *   staticPeers: ['10.0.0.12:55800'], // where broadcast is blocked
 *   logger,                         // from @brigade/log
 *   docs: { 'b1/menu': menu, 'b1/day/2026-12-03': day },
 *   journal: store.journal,         // a JournalReplication
 * });
 * lan.on('sync-state', ({ state, peers }) => badge.update(state, peers));
 * await lan.start();
 * lan.addDoc('b1/day/2026-12-04', nextDay);   // no reconnect
 * lan.journalChanged();                       // after a local append
 * await lan.stop();
 */
export { CLOSE_CODES, type CloseCode, closeCodeName } from './close-codes.ts';
export type { LanCounters } from './counters.ts';
export { LanError, ProtocolError } from './errors.ts';
export type {
  InputRejected,
  LanEvents,
  PeerDisconnected,
  PeerInfo,
  SyncState,
  SyncStateChange,
} from './events.ts';
export { deriveBranchSecrets, MIN_BRANCH_KEY_BYTES } from './keys.ts';
export {
  LAN_DEFAULTS,
  type LanDefaults,
  type LanProviderOptions,
} from './options.ts';
export { LanProvider } from './provider.ts';
export { PROTOCOL_VERSION } from './sync/messages.ts';
export type { PeerStatus } from './sync/session-views.ts';
export { PSK_IDENTITY, TLS_CIPHER } from './transport/tls.ts';
