import type { CommandSpec } from './command.ts';

/**
 * Every `brigade` subcommand. Each lives in the package that owns the
 * work and is imported only when used, so `brigade --help` stays fast.
 * Keep this table in alphabetical order.
 */
export const commands: Record<string, CommandSpec> = {
  demo: {
    summary: 'run a relay and two tills on this machine, with the demo menu',
    load: async () => (await import('@brigade/till')).runDemo,
  },
  journal: {
    summary:
      "verify or export a till's fiscal journal (verify|export --data DIR)",
    load: async () => (await import('@brigade/store/cli')).journalCommand,
  },
  keygen: {
    summary: 'print a new random branch key',
    load: async () => (await import('@brigade/till')).runKeygen,
  },
  relay: {
    summary: 'run the cloud relay: sync, journal ingest, reports, metrics',
    load: async () => (await import('@brigade/cloud-relay')).runRelay,
  },
  till: {
    summary: 'run a till: store, LAN and relay sync, local API',
    load: async () => (await import('@brigade/till')).runTill,
  },
  token: {
    summary: 'print a signed relay token for a device or a dashboard',
    load: async () => (await import('@brigade/cloud-relay')).runToken,
  },
};
