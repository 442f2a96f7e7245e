import { join } from 'node:path';
import { type HistoryEntry, readNdjson, RequestTiming } from '@flux-gate/run-format';
import { builtinEngine } from '../load/builtinEngine.ts';

/** What the built-in engine kept of a fixed rate, over the seconds after the warm-up. */
export interface BuiltinFigures {
  /** Answered requests per second over the measured seconds. */
  achievedPerSec: number;
  dropped: number;
  unanswered: number;
  /** From when each request was due. */
  p50Ms: number;
  p99Ms: number;
  /** The engine's lag (sent − due) p99. */
  lagP99Ms: number;
  /** The engine's own CPU (all its processes) per 1,000 requests sent, warm-up included. */
  cpuMsPer1000: number;
  /** The engine's CPU in cores over the load's wall time. */
  cores: number;
  /** From the first arrival due to the last answer. */
  wallMs: number;
}

/**
 * The built-in engine, in `processes` processes, at a fixed `rate` of POST /order against `url` for
 * `warmupS + durationS` seconds: its history read back (streamed), the requests due in the first
 * `warmupS` seconds left out of the rate and latency figures (not of the CPU).
 */
export async function measureBuiltin(opts: { url: string; productId: string; rate: number; processes: number; durationS: number; warmupS: number; connections: number; dir: string }): Promise<BuiltinFigures> {
  const historyFile = join(opts.dir, `builtin-${opts.rate}-${opts.processes}.ndjson`);
  const summary = await builtinEngine.run(
    {
      workload: 'http',
      startRate: opts.rate,
      stages: [{ rate: opts.rate, durationMs: (opts.warmupS + opts.durationS) * 1000 }],
      users: 10_000_000,
      products: [opts.productId],
      seed: opts.rate,
      round: 0,
      maxInFlight: 10_000,
      timeoutMs: 5000,
      apiUrls: [opts.url],
      connections: opts.connections,
      retries: 0,
      backoff: { baseMs: 100, maxMs: 1000 },
      processes: opts.processes,
    },
    { historyFile, signal: new AbortController().signal, log: () => {}, logFile: join(opts.dir, 'engine.log') },
  );
  let first = Infinity;
  for await (const e of readNdjson<HistoryEntry>(historyFile)) first = Math.min(first, e.intendedTs!);
  const timing = new RequestTiming();
  let answered = 0;
  let unanswered = 0;
  for await (const e of readNdjson<HistoryEntry>(historyFile)) {
    if (e.intendedTs! - first < opts.warmupS * 1000 || e.outcome === 'dropped') continue;
    timing.add(e);
    if (e.status > 0) answered++;
    else unanswered++;
  }
  return {
    achievedPerSec: answered / opts.durationS,
    dropped: summary.dropped,
    unanswered,
    p50Ms: timing.fromDue.quantile(0.5) ?? Number.NaN,
    p99Ms: timing.fromDue.quantile(0.99) ?? Number.NaN,
    lagP99Ms: timing.lag.quantile(0.99) ?? Number.NaN,
    cpuMsPer1000: (summary.cpuMs / Math.max(1, summary.started)) * 1000,
    cores: summary.cpuMs / Math.max(1, summary.wallMs),
    wallMs: summary.wallMs,
  };
}
