/**
 * `brigade journal verify|export`: the auditor's view of a till's data
 * folder. Both open the folder read-only.
 *
 *   brigade journal verify --data DIR [--anchor DEVICE:SEQ:HASH]...
 *                          [--anchors FILE]
 *   brigade journal export --data DIR [--replicas]
 *
 * Exit codes: 0 verified / exported, 1 a chain is broken, 2 bad input
 * (unknown flags, a missing or non-Brigade folder).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Anchor, parseAnchor } from '../journal/chain-verifier.ts';
import type { JournalEntry } from '../journal/entry.ts';
import { StoreError } from '../store/errors.ts';
import { Store } from '../store/store.ts';

/** The part of the CLI's `CommandContext` this command uses. */
interface Context {
  argv: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage:
  brigade journal verify --data DIR [--anchor DEVICE:SEQ:HASH]... [--anchors FILE]
  brigade journal export --data DIR [--replicas]

verify  checks every chain in the folder (own journal and replicas) and
        prints a JSON summary per device; exit 1 names the first broken
        entry. An anchor is a hash known from outside the till: the
        relay's acknowledged tail or a printed Z report. --anchors reads
        a JSON array of {"device","seq","hash"}.
export  writes the device's journal as JSON Lines, one entry a line;
        --replicas adds the peers' journals held in the folder.
`;

class BadInput extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

/** Runs `brigade journal ...`; resolves to the exit code. */
export async function journalCommand(ctx: Context): Promise<number> {
  try {
    const [action, ...rest] = ctx.argv;
    if (action === 'verify') return verify(ctx, rest);
    if (action === 'export') return await exportJournal(ctx, rest);
    if (action === '--help' || action === '-h') {
      ctx.stdout.write(USAGE);
      return 0;
    }
    throw new BadInput(`unknown action '${action ?? ''}'`);
  } catch (error) {
    if (error instanceof BadInput || isUsageProblem(error)) {
      ctx.stderr.write(`brigade journal: ${(error as Error).message}\n`);
      if (error instanceof BadInput && error.showUsage) ctx.stderr.write(USAGE);
      return 2;
    }
    throw error;
  }
}

function verify(ctx: Context, argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      anchor: { type: 'string', multiple: true },
      anchors: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const anchors = [
    ...(values.anchor ?? []).map(anchorFlag),
    ...(values.anchors ? anchorFile(values.anchors) : []),
  ];
  const store = openReadOnly(values.data);
  try {
    const report = verifyOrExplain(ctx, store, anchors);
    if (!report) return 1;
    ctx.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (report.fault) {
      const f = report.fault;
      ctx.stderr.write(
        `brigade journal: ${f.device} entry ${f.seq} is broken: ${f.code}: ${f.message}\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    store.close();
  }
}

/** The report, or null after printing why the journal cannot be read. */
function verifyOrExplain(ctx: Context, store: Store, anchors: Anchor[]) {
  try {
    return store.verify(anchors);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    ctx.stderr.write(
      `brigade journal: the journal cannot be read: ${error.message} (${error.code})\n`,
    );
    return null;
  }
}

async function exportJournal(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      replicas: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const store = openReadOnly(values.data);
  try {
    await writeLines(ctx.stdout, chainOf(store, store.device, false));
    if (values.replicas) {
      for (const device of Object.keys(store.replicas.heads()).sort()) {
        await writeLines(ctx.stdout, chainOf(store, device, true));
      }
    }
    return 0;
  } finally {
    store.close();
  }
}

/** Entries of one chain, read in pages so memory stays flat. */
function* chainOf(store: Store, device: string, replica: boolean) {
  const page = 1000;
  let after = 0;
  for (;;) {
    const entries: JournalEntry[] = replica
      ? store.replicas.entriesAfter(device, after, page)
      : store.journal.entriesAfter(after, page);
    yield* entries;
    const last = entries.at(-1);
    if (!last || entries.length < page) return;
    after = last.seq;
  }
}

async function writeLines(
  out: NodeJS.WritableStream,
  entries: Iterable<JournalEntry>,
): Promise<void> {
  let chunk = '';
  for (const entry of entries) {
    chunk += `${JSON.stringify(entry)}\n`;
    if (chunk.length > 64 * 1024) {
      await write(out, chunk);
      chunk = '';
    }
  }
  if (chunk) await write(out, chunk);
}

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (out.write(text)) resolve();
    else out.once('drain', resolve);
  });
}

function openReadOnly(dir: string | undefined): Store {
  if (!dir) throw new BadInput('--data DIR is required');
  try {
    return Store.open({ dir, readonly: true });
  } catch (error) {
    if (error instanceof StoreError) {
      throw new BadInput(`${error.message} (${error.code})`, false);
    }
    throw error;
  }
}

function anchorFlag(text: string): Anchor {
  const anchor = parseAnchor(text);
  if (!anchor) throw new BadInput(`--anchor ${text} is not DEVICE:SEQ:HASH`);
  return anchor;
}

function anchorFile(path: string): Anchor[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BadInput(`--anchors ${path}: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) {
    throw new BadInput(`--anchors ${path} is not a JSON array`);
  }
  return parsed.map((a: Partial<Anchor>) =>
    anchorFlag(`${a?.device}:${a?.seq}:${a?.hash}`),
  );
}

function isUsageProblem(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
