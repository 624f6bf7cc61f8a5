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
export * from './sync/status.ts';
export { Till, type TillDeps } from './till.ts';
