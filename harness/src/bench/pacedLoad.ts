import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadResult } from './loadTest.ts';

const run = promisify(execFile);

export interface PacedLoadOptions {
  label: string;
  vegeta: string;
  url: string;
  /** Requests started per second, evenly spaced whatever the answers' latency. */
  rate: number;
  durationS: number;
  /** Workers, each with its own keep-alive connection. */
  workers: number;
  /** Builds each request's JSON body; n counts requests from 0. */
  body: (n: number) => unknown;
}

/** What `vegeta report -type=json` prints, the parts used here (times in ns). */
interface VegetaReport {
  requests: number;
  rate: number;
  throughput: number;
  duration: number;
  latencies: { '50th': number; '99th': number; max: number };
  status_codes: Record<string, number>;
  errors: string[] | null;
}

/**
 * POST /order at a fixed rate with Vegeta's constant pacer: requests are started on schedule, spread
 * evenly over each second, whatever the answers' latency (a rate quota per connection would instead
 * send bursts at full speed followed by pauses). Every request has its own body, prepared before the
 * run; the run is bounded by durationS.
 */
export async function pacedLoad(opts: PacedLoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-paced-'));
  try {
    const targets = join(dir, 'targets.jsonl');
    const count = Math.ceil(opts.rate * opts.durationS * 1.05) + 100;
    const url = `${opts.url}/order`;
    const header = { 'Content-Type': ['application/json'] };
    const lines: string[] = [];
    for (let n = 0; n < count; n++) lines.push(JSON.stringify({ method: 'POST', url, header, body: Buffer.from(JSON.stringify(opts.body(n))).toString('base64') }));
    writeFileSync(targets, `${lines.join('\n')}\n`);
    const results = join(dir, 'results.bin');
    const w = String(opts.workers);
    await run(opts.vegeta, [
      'attack',
      '-format=json',
      `-targets=${targets}`,
      `-rate=${opts.rate}/s`,
      `-duration=${opts.durationS}s`,
      `-workers=${w}`,
      `-max-workers=${w}`,
      `-connections=${w}`,
      '-timeout=5s',
      `-output=${results}`,
    ]);
    const { stdout } = await run(opts.vegeta, ['report', '-type=json', results], { maxBuffer: 64 * 1024 * 1024 });
    const r = JSON.parse(stdout) as VegetaReport;
    const seconds = r.duration / 1e9;
    const statuses = Object.fromEntries(Object.entries(r.status_codes).filter(([code]) => code !== '0'));
    const failed = r.status_codes['0'] ?? 0;
    return {
      label: opts.label,
      reqPerSec: r.requests / seconds,
      okPerSec: (statuses['200'] ?? 0) / seconds,
      p50Ms: r.latencies['50th'] / 1e6,
      p99Ms: r.latencies['99th'] / 1e6,
      statuses,
      errors: failed,
      timeouts: (r.errors ?? []).filter((e) => /timeout|deadline/i.test(e)).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
