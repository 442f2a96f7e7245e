import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSnapshot, cpuUseBetween } from './cpuUse.ts';
import { measureBuiltin } from './measureBuiltin.ts';
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
      const b = await measureBuiltin({ url: opts.url, productId: opts.productId, rate, processes: 1, durationS: opts.durationS, warmupS: opts.warmupS, connections: opts.connections, dir });
      runs.push({ generator: 'builtin', rate, achievedPerSec: b.achievedPerSec, dropped: b.dropped, unanswered: b.unanswered, p50Ms: b.p50Ms, p99Ms: b.p99Ms, cpuMsPer1000: b.cpuMsPer1000 });

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
