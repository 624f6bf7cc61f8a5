/**
 * @brigade/till: the till host. `Till.start(options)` opens the store in
 * the data folder, loads the menu and service-day documents, syncs them
 * over the LAN and with the relay, delivers the fiscal journal, and serves
 * the local JSON API, the status event stream and `/sync` on one HTTP
 * port. The `brigade till`, `brigade keygen` and `brigade demo` commands
 * live here too.
 *
 * @example
 * import { parseTillOptions, Till } from '@brigade/till';
 *
 * const till = await Till.start(parseTillOptions(process.argv.slice(2), process.env));
 * console.log(till.httpUrl, till.status().state);
 * await till.stop();
 */
export { runDemo } from './cli/demo.ts';
export { generateBranchKey, runKeygen } from './cli/keygen.ts';
export type {
  MenuSource,
  PeerAddress,
  RelayOptions,
  TillOptions,
} from './cli/options.ts';
export { parseTillOptions, TILL_DEFAULTS } from './cli/options.ts';
export { runTill } from './cli/till-command.ts';
export { ApiError } from './http/api-error.ts';
export {
  CONNECTIVITY_DEBOUNCE_MS,
  type Connectivity,
  ConnectivityJournal,
  type ConnectivityJournalOptions,
  type ConnectivityReading,
  connectivityOf,
} from './sync/connectivity-journal.ts';
export * from './sync/status.ts';
export { Till, type TillDeps } from './till.ts';
