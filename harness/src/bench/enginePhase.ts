import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HistoryEntry, LatencyHistogram } from '@flux-gate/run-format';
import { builtinEngine } from '../load/builtinEngine.ts';
import { cpuSnapshot, cpuUseBetween } from './cpuUse.ts';
import { pacedLoad } from './pacedLoad.ts';

/** One generator at one fixed rate on the sold-out path. */
export interface EngineRun {
  generator: 'builtin' | 'oha';
  rate: number;
  /** Answered requests per second over the measured seconds. */
  achievedPerSec: number;
  dropped: number;
  unanswered: number;
  /** From when each request was due. */
  p50Ms: number;
  p99Ms: number;
  /** The generator's own CPU per 1,000 requests sent. */
  cpuMsPer1000: number;
}

export interface EnginePhaseOptions {
  url: string;
  productId: string;
  oha: string;
  rates: number[];
  durationS: number;
  warmupS: number;
  connections: number;
  log: (line: string) => void;
}

/**
 * The built-in engine against oha, at each fixed rate in turn on the same endpoint: achieved rate,
 * dropped arrivals, latency from when each request was due, and each generator's CPU per request.
 * The first warmupS seconds of each run are left out of the rate and latency figures (not the CPU).
 */
export async function enginePhase(opts: EnginePhaseOptions): Promise<EngineRun[]> {
  const runs: EngineRun[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-engines-'));
  try {
    for (const rate of opts.rates) {
      opts.log(`  built-in engine at ${rate.toLocaleString('en-US')} req/s`);
      const historyFile = join(dir, `builtin-${rate}.ndjson`);
      const summary = await builtinEngine.run(
        {
          workload: 'http',
          startRate: rate,
          stages: [{ rate, durationMs: (opts.warmupS + opts.durationS) * 1000 }],
          users: 10_000_000,
          products: [opts.productId],
          seed: rate,
          round: 0,
          maxInFlight: 10_000,
          timeoutMs: 5000,
          apiUrls: [opts.url],
          connections: opts.connections,
          retries: 0,
          backoff: { baseMs: 100, maxMs: 1000 },
        },
        { historyFile, signal: new AbortController().signal, log: () => {}, logFile: join(dir, 'engine.log') },
      );
      const lines = readFileSync(historyFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as HistoryEntry);
      const first = lines.reduce((min, l) => Math.min(min, l.intendedTs!), Infinity);
      const measured = lines.filter((l) => l.intendedTs! - first >= opts.warmupS * 1000);
      const answered = measured.filter((l) => l.status > 0);
      const latency = new LatencyHistogram();
      for (const l of answered) latency.add(l.latencyMs);
      runs.push({
        generator: 'builtin',
        rate,
        achievedPerSec: answered.length / opts.durationS,
        dropped: summary.dropped,
        unanswered: measured.filter((l) => l.outcome !== 'dropped' && l.status === 0).length,
        p50Ms: latency.quantile(0.5) ?? Number.NaN,
        p99Ms: latency.quantile(0.99) ?? Number.NaN,
        cpuMsPer1000: (summary.cpuMs / Math.max(1, summary.started)) * 1000,
      });

      opts.log(`  oha at ${rate.toLocaleString('en-US')} req/s`);
      const before = cpuSnapshot({});
      const oha = await pacedLoad({
        label: `oha @${rate}/s`,
        oha: opts.oha,
        url: opts.url,
        rate,
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        connections: opts.connections,
        body: (n) => ({ userId: `oha-${rate}-${n}`, productId: opts.productId }),
      });
      const after = cpuSnapshot({});
      const sent = Math.round(rate * (opts.warmupS + opts.durationS));
      const ohaCpuMs = before && after ? cpuUseBetween(before, after).cores.generator! * ((after.atMs - before.atMs) / 1000) * 1000 : Number.NaN;
      runs.push({
        generator: 'oha',
        rate,
        achievedPerSec: oha.reqPerSec,
        dropped: 0,
        unanswered: oha.errors,
        p50Ms: oha.p50Ms,
        p99Ms: oha.p99Ms,
        cpuMsPer1000: (ohaCpuMs / sent) * 1000,
      });
    }
    return runs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
