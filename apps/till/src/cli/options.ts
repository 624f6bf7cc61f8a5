/**
 * `brigade till` flags and environment, parsed into {@link TillOptions}.
 * Secrets come from the environment or from files, never from flags, so
 * they do not show in the process list.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from '@brigade/cli';
import { PHONE_PLANS } from '@brigade/crdt-model';
import { MAX_DAY_START } from '../core/business-date.ts';

/** Where the menu of a first start comes from. */
export type MenuSource =
  | { kind: 'none' }
  | { kind: 'demo' }
  | { kind: 'file'; path: string };

export interface PeerAddress {
  host: string;
  port: number;
}

export interface RelayOptions {
  /** y-websocket base URL, `ws://host:port`. */
  wsUrl: string;
  /** Journal ingest base URL, `http://host:port`. */
  httpUrl: string;
  /** Token the relay issued for this device (`brigade token`). */
  token: string;
}

export interface TillOptions {
  dataDir: string;
  branch: string;
  device: string;
  httpHost: string;
  httpPort: number;
  lanPort: number;
  discoveryPort: number;
  broadcast: string;
  peers: PeerAddress[];
  relay: RelayOptions | null;
  branchKey: string;
  menu: MenuSource;
  /**
   * Country for phone numbers written without a country code (`--country`,
   * an ISO code of crdt-model's `PHONE_PLANS`); undefined: the menu's
   * currency decides (SAR: SA, PKR: PK, GBP: GB).
   */
  country?: string;
  /**
   * How long a change of relay connectivity must last before the till
   * journals it (`--connectivity-debounce MS`); undefined: the default,
   * `CONNECTIVITY_DEBOUNCE_MS` (10 s).
   */
  connectivityDebounceMs?: number;
  /**
   * The seller printed on receipts and in the ZATCA QR code (tag 1,
   * `--seller-name`); undefined: the branch id.
   */
  sellerName?: string;
  /**
   * The seller's VAT registration number (ZATCA QR tag 2,
   * `--vat-number`); undefined: none, and the till warns at start.
   */
  vatNumber?: string;
  /**
   * Minutes past midnight at which a business day starts
   * (`--day-starts-at HH:MM`, at most 11:59); undefined: midnight.
   */
  dayStartsAt?: number;
}

/** Defaults of the optional flags. */
export const TILL_DEFAULTS = {
  httpHost: '127.0.0.1',
  lanPort: 55800,
  discoveryPort: 55799,
  broadcast: '255.255.255.255',
} as const;

/** Shortest branch key accepted, in characters (`brigade keygen` makes 43). */
export const MIN_BRANCH_KEY_LENGTH = 32;

export const TILL_USAGE = `usage: brigade till --data DIR --branch B --device D --http-port P
                    [--http-host H] [--lan-port P] [--discovery-port P]
                    [--broadcast ADDR] [--peer host:port ...]
                    [--relay ws://host:port --relay-http http://host:port]
                    [--menu FILE|demo] [--country SA|PK|GB]
                    [--connectivity-debounce MS]
                    [--seller-name NAME] [--vat-number N]
                    [--day-starts-at HH:MM]
                    [--branch-key-file F] [--relay-token-file F]

The branch key comes from BRIGADE_BRANCH_KEY or --branch-key-file (make one
with \`brigade keygen\`); the relay token from BRIGADE_RELAY_TOKEN or
--relay-token-file. --country is the organisation's country for phone
numbers written without a country code; by default the menu's currency
decides (SAR: SA, PKR: PK, GBP: GB). --connectivity-debounce is how long
a loss or return of the relay must last before the till journals it
(default 10000 ms). --seller-name and --vat-number are the seller on
receipts and in the ZATCA QR code (default: the branch id and no VAT
number); with --country SA the VAT number must be ZATCA's 15 digits,
starting and ending with 3. --day-starts-at is when the business day
changes (default 00:00, at most 11:59): with 04:00 a sale at 01:30 belongs
to the day before.
`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Parses the arguments after `brigade till`; throws UsageError. */
export function parseTillOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): TillOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      data: { type: 'string' },
      branch: { type: 'string' },
      device: { type: 'string' },
      'http-port': { type: 'string' },
      'http-host': { type: 'string' },
      'lan-port': { type: 'string' },
      'discovery-port': { type: 'string' },
      broadcast: { type: 'string' },
      peer: { type: 'string', multiple: true },
      relay: { type: 'string' },
      'relay-http': { type: 'string' },
      menu: { type: 'string' },
      country: { type: 'string' },
      'connectivity-debounce': { type: 'string' },
      'seller-name': { type: 'string' },
      'vat-number': { type: 'string' },
      'day-starts-at': { type: 'string' },
      'branch-key-file': { type: 'string' },
      'relay-token-file': { type: 'string' },
    },
  });
  const relayWs = values.relay;
  return {
    dataDir: required(values.data, '--data'),
    branch: name(required(values.branch, '--branch'), '--branch'),
    device: name(required(values.device, '--device'), '--device'),
    httpHost: values['http-host'] ?? TILL_DEFAULTS.httpHost,
    httpPort: port(required(values['http-port'], '--http-port'), '--http-port'),
    lanPort: port(values['lan-port'], '--lan-port') ?? TILL_DEFAULTS.lanPort,
    discoveryPort:
      port(values['discovery-port'], '--discovery-port') ??
      TILL_DEFAULTS.discoveryPort,
    broadcast: values.broadcast ?? TILL_DEFAULTS.broadcast,
    peers: (values.peer ?? []).map(peer),
    relay: relayWs
      ? relayOptions(relayWs, values['relay-http'], values, env)
      : noRelay(values['relay-http']),
    branchKey: branchKey(values['branch-key-file'], env),
    menu: menuSource(values.menu),
    ...(values.country === undefined
      ? {}
      : { country: country(values.country) }),
    ...debounce(values['connectivity-debounce']),
    ...seller(values['seller-name'], values['vat-number'], values.country),
    ...dayStart(values['day-starts-at']),
  };
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') {
    throw new UsageError(`${flag} is required\n\n${TILL_USAGE}`);
  }
  return value;
}

function name(value: string, flag: string): string {
  if (!NAME.test(value)) {
    throw new UsageError(
      `${flag} must be 1 to 64 letters, digits, '-' or '_' (got '${value}')`,
    );
  }
  return value;
}

function port(value: string, flag: string): number;
function port(value: string | undefined, flag: string): number | undefined;
function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) {
    throw new UsageError(
      `${flag} must be a port number 0-65535 (got '${value}')`,
    );
  }
  return n;
}

function peer(value: string): PeerAddress {
  const at = value.lastIndexOf(':');
  const host = value.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  if (at <= 0 || host === '') {
    throw new UsageError(`--peer must be host:port (got '${value}')`);
  }
  return { host, port: port(value.slice(at + 1), '--peer') };
}

function relayOptions(
  wsUrl: string,
  httpUrl: string | undefined,
  values: { 'relay-token-file'?: string | undefined },
  env: NodeJS.ProcessEnv,
): RelayOptions {
  const ws = url(wsUrl, '--relay', ['ws:', 'wss:']);
  const http = httpUrl
    ? url(httpUrl, '--relay-http', ['http:', 'https:'])
    : ws.replace(/^ws/, 'http');
  const token = secret(
    values['relay-token-file'],
    env.BRIGADE_RELAY_TOKEN,
    'relay token',
    '--relay-token-file',
    'BRIGADE_RELAY_TOKEN',
  );
  return { wsUrl: ws, httpUrl: http, token };
}

function noRelay(httpUrl: string | undefined): null {
  if (httpUrl !== undefined) {
    throw new UsageError('--relay-http needs --relay ws://host:port as well');
  }
  return null;
}

function url(value: string, flag: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`${flag} is not a URL (got '${value}')`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new UsageError(
      `${flag} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );
  }
  return value.replace(/\/+$/, '');
}

function branchKey(file: string | undefined, env: NodeJS.ProcessEnv): string {
  const key = secret(
    file,
    env.BRIGADE_BRANCH_KEY,
    'branch key',
    '--branch-key-file',
    'BRIGADE_BRANCH_KEY',
  );
  if (key.length < MIN_BRANCH_KEY_LENGTH) {
    throw new UsageError(
      `the branch key is too short (${key.length} characters, at least ${MIN_BRANCH_KEY_LENGTH}); make one with \`brigade keygen\``,
    );
  }
  return key;
}

/** A secret from its file when given, else from the environment. */
function secret(
  file: string | undefined,
  fromEnv: string | undefined,
  what: string,
  flag: string,
  envName: string,
): string {
  let value = fromEnv;
  if (file !== undefined) {
    try {
      value = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UsageError(`${flag}: cannot read '${file}' (${reason})`);
    }
  }
  value = value?.trim();
  if (!value) {
    throw new UsageError(`no ${what}: set ${envName} or pass ${flag}`);
  }
  return value;
}

function country(value: string): string {
  const code = value.toUpperCase();
  if (!(code in PHONE_PLANS)) {
    throw new UsageError(
      `--country must be one of ${Object.keys(PHONE_PLANS).join(', ')} (got '${value}')`,
    );
  }
  return code;
}

function debounce(value: string | undefined): {
  connectivityDebounceMs?: number;
} {
  if (value === undefined) return {};
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms > 86_400_000) {
    throw new UsageError(
      `--connectivity-debounce must be milliseconds, 0 to 86400000 (got '${value}')`,
    );
  }
  return { connectivityDebounceMs: ms };
}

/** Printable text without control characters, as receipts show it. */
const SELLER_NAME = /^[^\p{Cc}]{1,100}$/u;

/** Letters and digits, as VAT numbers are written (GB123456789, 3...3). */
const VAT_NUMBER = /^[A-Z0-9]{5,20}$/;

/** ZATCA's VAT registration number: 15 digits, 3 first and last. */
const ZATCA_VAT_NUMBER = /^3\d{13}3$/;

function seller(
  name: string | undefined,
  vat: string | undefined,
  countryCode: string | undefined,
): { sellerName?: string; vatNumber?: string } {
  const out: { sellerName?: string; vatNumber?: string } = {};
  if (name !== undefined) {
    const trimmed = name.trim();
    if (!SELLER_NAME.test(trimmed)) {
      throw new UsageError(
        '--seller-name must be 1 to 100 characters without control characters',
      );
    }
    out.sellerName = trimmed;
  }
  if (vat !== undefined) {
    const number = vat.replace(/[\s-]/g, '').toUpperCase();
    if (!VAT_NUMBER.test(number)) {
      throw new UsageError(
        `--vat-number must be 5 to 20 letters and digits (got '${vat}')`,
      );
    }
    if (countryCode?.toUpperCase() === 'SA' && !ZATCA_VAT_NUMBER.test(number)) {
      throw new UsageError(
        `--vat-number in SA must be 15 digits starting and ending with 3 (got '${vat}')`,
      );
    }
    out.vatNumber = number;
  }
  return out;
}

function dayStart(value: string | undefined): { dayStartsAt?: number } {
  if (value === undefined) return {};
  const [, hours, mins] = /^(\d{1,2}):([0-5]\d)$/.exec(value) ?? [];
  const minutes = Number(hours) * 60 + Number(mins);
  if (hours === undefined || !(minutes <= MAX_DAY_START)) {
    throw new UsageError(
      `--day-starts-at must be HH:MM from 00:00 to 11:59 (got '${value}')`,
    );
  }
  return { dayStartsAt: minutes };
}

function menuSource(value: string | undefined): MenuSource {
  if (value === undefined) return { kind: 'none' };
  if (value === 'demo') return { kind: 'demo' };
  return { kind: 'file', path: value };
}
