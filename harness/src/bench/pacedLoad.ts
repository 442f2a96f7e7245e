import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nearestRankQuantile } from '@flux-gate/reports';
import { runOrThrow } from '../tools/runCommand.ts';
import { type CpuUse, cpuSnapshot, cpuUseBetween } from './cpuUse.ts';
import type { LoadResult } from './loadTest.ts';

export interface PacedLoadOptions {
  label: string;
  vegeta: string;
  url: string;
  /** Requests started per second, evenly spaced whatever the answers' latency. */
  rate: number;
  /** Seconds measured, after the warm-up. */
  durationS: number;
  /** Seconds at the same rate before the measured ones, left out of every figure. */
  warmupS: number;
  /** Workers, each with its own keep-alive connection. */
  workers: number;
  /** Builds each request's JSON body; n counts requests from 0. */
  body: (n: number) => unknown;
  /** Processes (name → pid) whose CPU use over the attack, warm-up included, goes into the result. */
  watch?: Record<string, number | undefined>;
}

export interface PacedResult extends LoadResult {
  /** CPU over the whole attack, warm-up included: the watched processes and Vegeta (`generator`). Absent off Linux. */
  cpu?: CpuUse;
}

/** One line of `vegeta encode -to json`, the parts used here (latency in ns). */
interface VegetaResult {
  code: number;
  timestamp: string;
  latency: number;
  error: string;
}

/**
 * POST /order at a fixed rate with Vegeta's constant pacer: requests are started on schedule, spread
 * evenly over each second, whatever the answers' latency (a rate quota per connection would instead
 * send bursts at full speed followed by pauses). Every request has its own body, prepared before the
 * run; the run is bounded by warmupS + durationS.
 *
 * The figures count only the requests started after the warm-up: the first moments at a new rate
 * measure the workers' new connections and what the previous load left behind (a backlog of GC and
 * broker work), not the rate itself.
 */
export async function pacedLoad(opts: PacedLoadOptions): Promise<PacedResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-paced-'));
  try {
    const targets = join(dir, 'targets.jsonl');
    const totalS = opts.warmupS + opts.durationS;
    const count = Math.ceil(opts.rate * totalS * 1.05) + 100;
    const url = `${opts.url}/order`;
    const header = { 'Content-Type': ['application/json'] };
    const lines: string[] = [];
    for (let n = 0; n < count; n++) lines.push(JSON.stringify({ method: 'POST', url, header, body: Buffer.from(JSON.stringify(opts.body(n))).toString('base64') }));
    writeFileSync(targets, `${lines.join('\n')}\n`);
    const results = join(dir, 'results.bin');
    const w = String(opts.workers);
    const before = cpuSnapshot(opts.watch ?? {});
    await runOrThrow(opts.vegeta, [
      'attack',
      '-format=json',
      `-targets=${targets}`,
      `-rate=${opts.rate}/s`,
      `-duration=${totalS}s`,
      `-workers=${w}`,
      `-max-workers=${w}`,
      `-connections=${w}`,
      '-timeout=5s',
      `-output=${results}`,
    ]);
    const after = cpuSnapshot(opts.watch ?? {});
    const cpu = before && after ? cpuUseBetween(before, after) : undefined;
    const decoded = join(dir, 'results.jsonl');
    await runOrThrow(opts.vegeta, ['encode', '-to', 'json', `-output=${decoded}`, results]);
    const all = readFileSync(decoded, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as VegetaResult)
      .map((r) => ({ ...r, at: Date.parse(r.timestamp) }));
    const first = all.reduce((min, r) => Math.min(min, r.at), Infinity);
    return { ...summarize(opts.label, all.filter((r) => r.at >= first + opts.warmupS * 1000), opts.durationS), ...(cpu && { cpu }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(label: string, measured: Array<VegetaResult & { at: number }>, durationS: number): LoadResult {
  const latencies = measured.map((r) => r.latency / 1e6).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const r of measured) if (r.code !== 0) statuses[r.code] = (statuses[r.code] ?? 0) + 1;
  const failed = measured.filter((r) => r.code === 0);
  return {
    label,
    reqPerSec: measured.length / durationS,
    okPerSec: (statuses['200'] ?? 0) / durationS,
    p50Ms: nearestRankQuantile(latencies, 0.5),
    p99Ms: nearestRankQuantile(latencies, 0.99),
    statuses,
    errors: failed.length,
    timeouts: failed.filter((r) => /timeout|deadline/i.test(r.error)).length,
  };
}
