import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNdjson, RequestTiming, type HistoryEntry, type TimingFigures } from '@flux-gate/run-format';
import { builtinEngine } from '../load/builtinEngine.ts';
import type { HttpPlan } from '../load/LoadPlan.ts';

export interface OpeningResult {
  rate: number;
  stock: number;
  presaleS: number;
  openingS: number;
  restS: number;
  /** Requests due in the first `openingS` seconds of the sale, and in the `restS` after them. */
  opening: TimingFigures;
  rest: TimingFigures;
  /** The opening's p99 from due over the rest's: 1 when the sale opens as fast as it runs warm. */
  p99Ratio: number | null;
  dropped: number;
}

/**
 * (g) A sale opening on a warm API, as a flash sale opens: `presaleS` of browsing, then `rate`
 * arrivals per second at once (no ramp) for `stock` units, through the built-in engine. The p99 from
 * due of the requests due in the first `openingS` seconds against that of the next `restS`, with the
 * engine's lag and the answer time of each, in the same run.
 */
export async function openingPhase(opts: { url: string; productId: string; stock: number; rate: number; presaleS: number; openingS: number; restS: number }): Promise<OpeningResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-opening-'));
  try {
    const durationMs = (opts.openingS + opts.restS) * 1000;
    const plan: HttpPlan = {
      workload: 'http',
      startRate: opts.rate,
      stages: [{ rate: opts.rate, durationMs }],
      users: Math.ceil((opts.rate * durationMs) / 1000),
      products: [opts.productId],
      seed: 25,
      round: 0,
      maxInFlight: 20_000,
      timeoutMs: 5000,
      apiUrls: [opts.url],
      connections: 256,
      retries: 0,
      backoff: { baseMs: 200, maxMs: 2000 },
      presale: { rate: 500, durationMs: opts.presaleS * 1000, products: [opts.productId] },
    };
    const historyFile = join(dir, 'history.ndjson');
    const summary = await builtinEngine.run(plan, { historyFile, signal: new AbortController().signal, log: () => {}, logFile: join(dir, 'engine.log') });
    const opening = new RequestTiming();
    const rest = new RequestTiming();
    let first = Infinity;
    const entries: HistoryEntry[] = [];
    for await (const e of readNdjson<HistoryEntry>(historyFile)) {
      entries.push(e);
      first = Math.min(first, e.intendedTs ?? e.ts);
    }
    for (const e of entries) ((e.intendedTs ?? e.ts) - first < opts.openingS * 1000 ? opening : rest).add(e);
    const o = opening.summary();
    const r = rest.summary();
    return {
      ...opts,
      opening: o,
      rest: r,
      p99Ratio: o.fromDueP99Ms !== null && r.fromDueP99Ms ? o.fromDueP99Ms / r.fromDueP99Ms : null,
      dropped: summary.dropped,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
