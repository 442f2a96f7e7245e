import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyHistogram } from '@flux-gate/run-format';
import { runOrThrow } from '@flux-gate/stack';
import { type CpuUse, cpuSnapshot, cpuUseBetween } from './cpuUse.ts';
import type { LoadResult } from './wrkLoad.ts';

export interface PacedLoadOptions {
  label: string;
  /** The oha binary. */
  oha: string;
  url: string;
  /** Requests started per second, evenly spaced whatever the answers' latency. */
  rate: number;
  /** Seconds measured, after the warm-up. */
  durationS: number;
  /** Seconds at the same rate before the measured ones, left out of every figure. */
  warmupS: number;
  /** Keep-alive connections; a request waits for a free one, and that wait counts in its latency. */
  connections: number;
  /**
   * Builds the JSON body of the n-th prepared body, one per request due. oha picks one of them at
   * random for each request, so a body can be sent more than once.
   */
  body: (n: number) => unknown;
  /** Processes (name → pid) whose CPU use over the run, warm-up included, goes into the result. */
  watch?: Record<string, number | undefined>;
}

export interface PacedResult extends LoadResult {
  /** The p99 of the requests started in each measured second, in order: whether the tail is a few bad seconds or all of them. */
  perSecondP99Ms: number[];
  /** CPU over the whole run, warm-up included: the watched processes and oha (`generator`). Absent off Linux. */
  cpu?: CpuUse;
}

/**
 * POST /order at a fixed rate with oha's pacer and its latency correction: requests are due on a
 * schedule spread evenly over each second, and each one's latency runs from when it was due, so a
 * request that waited for a connection or for the generator counts that wait too. The run is
 * rate × (warmupS + durationS) requests, each answered or given up after 5 s.
 *
 * The figures count only the requests started after the warm-up: the first moments at a new rate
 * measure new connections and what the previous load left behind (a backlog of GC and broker work),
 * not the rate itself.
 */
export async function pacedLoad(opts: PacedLoadOptions): Promise<PacedResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-paced-'));
  try {
    const due = Math.round(opts.rate * (opts.warmupS + opts.durationS));
    const bodies = join(dir, 'bodies.txt');
    const lines: string[] = [];
    for (let n = 0; n < due; n++) lines.push(JSON.stringify(opts.body(n)));
    writeFileSync(bodies, `${lines.join('\n')}\n`);
    const results = join(dir, 'results.csv');
    const before = cpuSnapshot(opts.watch ?? {});
    await runOrThrow(opts.oha, [
      '-n', String(due),
      '-q', String(opts.rate),
      '--latency-correction',
      '-c', String(opts.connections),
      '-t', '5s',
      '-m', 'POST',
      '-T', 'application/json',
      '-Z', bodies,
      '--no-tui',
      '--output-format', 'csv',
      '-o', results,
      `${opts.url}/order`,
    ]);
    const after = cpuSnapshot(opts.watch ?? {});
    const cpu = before && after ? cpuUseBetween(before, after) : undefined;
    const summary = summarizeOhaCsv(opts.label, readFileSync(results, 'utf8'), { due, warmupS: opts.warmupS, durationS: opts.durationS });
    return { ...summary, ...(cpu && { cpu }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The figures of one oha run from its CSV (`--output-format csv`): a header, then one line per
 * answered request: start (s after the run began), DNS, dial-up, first byte, duration (s, from when
 * it was due), bytes, HTTP status.
 *
 * oha lists only answered requests, so those without an answer (a refused connection, a 5 s
 * timeout) are the `due` requests of the run minus the answered ones; they are `errors`, and oha
 * does not say which kind each was.
 */
export function summarizeOhaCsv(label: string, csv: string, run: { due: number; warmupS: number; durationS: number }): Omit<PacedResult, 'cpu'> {
  const rows = csv
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const f = line.split(',');
      if (f.length !== 7) throw new Error(`oha CSV: expected 7 fields, got ${f.length} in "${line}"`);
      return { startS: Number(f[0]), latencyMs: Number(f[4]) * 1000, status: f[6]! };
    });
  const measured = rows.filter((r) => r.startS >= run.warmupS);
  const latency = new LatencyHistogram();
  const statuses: Record<string, number> = {};
  const seconds = Array.from({ length: Math.ceil(run.durationS) }, () => new LatencyHistogram());
  for (const r of measured) {
    latency.add(r.latencyMs);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    seconds[Math.min(seconds.length - 1, Math.floor(r.startS - run.warmupS))]!.add(r.latencyMs);
  }
  return {
    label,
    reqPerSec: measured.length / run.durationS,
    okPerSec: (statuses['200'] ?? 0) / run.durationS,
    p50Ms: latency.quantile(0.5) ?? Number.NaN,
    p99Ms: latency.quantile(0.99) ?? Number.NaN,
    statuses,
    errors: run.due - rows.length,
    perSecondP99Ms: seconds.map((h) => h.quantile(0.99) ?? Number.NaN),
  };
}
