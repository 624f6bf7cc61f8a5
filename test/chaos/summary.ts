/** The closing table of a chaos run, plain text. */
import type { ChaosReport } from './chaos.ts';

function row(cells: (string | number)[], widths: number[]): string {
  return cells
    .map((cell, i) =>
      i === 0
        ? String(cell).padEnd(widths[i]!)
        : String(cell).padStart(widths[i]!),
    )
    .join('  ');
}

export function summary(report: ChaosReport): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const out: string[] = [];
  out.push(
    `chaos run: seed ${report.seed}, network ${report.mode}${report.packetLoss ? ' + packet loss' : ''}, ` +
      `${s(report.totalMs)} total (chaos ${s(report.chaosMs)}, quiet after ${s(report.quietMs)})`,
  );
  const injected = Object.entries(report.injected)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  out.push(
    `faults: ${report.faultsPlanned} planned, injected: ${injected || 'none'}; ` +
      `${report.killsMidWrite} till kills landed mid-write`,
  );
  out.push('');
  const widths = [16, 6, 9, 12, 5];
  out.push(row(['operation', 'ok', 'rejected', 'unreachable', 'lost'], widths));
  for (const [op, t] of [...report.ledger.ops].sort()) {
    out.push(row([op, t.ok, t.rejected, t.unreachable, t.lost], widths));
  }
  const refusals = [...report.ledger.refusals]
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  out.push(`refused by code: ${refusals || 'none'}`);
  out.push('');
  const conflicts = Object.entries(report.conflicts)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const sales = report.ledger.sales().length;
  const kinds = (kind: string) =>
    report.ledger.journal.filter((j) => j.kind === kind).length;
  const credits = kinds('credit-note');
  out.push(
    `settlements acknowledged ${sales}, credit notes acknowledged ${credits}, ` +
      `Z closings ${kinds('z-closing')}, ` +
      `journal entries ${report.journalEntries}, orders ${report.ledger.orders.size}, ` +
      `open conflicts: ${conflicts || 'none'}`,
  );
  out.push('');
  const width = Math.max(...report.checks.map((c) => c.name.length), 9);
  out.push(`${'invariant'.padEnd(width)}  result`);
  for (const check of report.checks) {
    const detail = check.ok ? 'ok' : `VIOLATED: ${check.detail}`;
    out.push(`${check.name.padEnd(width)}  ${detail}`);
  }
  out.push('');
  const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
  out.push(
    report.ok
      ? 'chaos: every invariant held'
      : `chaos: FAILED (${failed.join(', ')}), replay with CHAOS_SEED=${report.seed}` +
          (report.dir ? `; data and logs kept in ${report.dir}` : ''),
  );
  return out.join('\n');
}
