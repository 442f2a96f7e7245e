import type { HistoryDigest } from './digestHistory.ts';
import type { KeyFigures, Run } from '@flux-gate/run-format';
import { recoveryTimes } from './recoveryTimes.ts';
import type { ServerLatency } from './serverLatency.ts';
import { serverTimingRows } from './serverTimingRows.ts';
import { timingRows } from './timingRows.ts';

export interface SourcedFigures {
  figures: KeyFigures;
  /** Where the figures came from: the runner's results.json, or computed here from the history. */
  source: 'results.json' | 'history';
}

/** Seconds from the last request until the worker's lag first reads 0, or null if it never did. */
function drainSeconds(run: Run, lastTs: number | null): number | null {
  if (lastTs === null) return null;
  const drained = run.samples.find((s) => s.ts >= lastTs && s.kafkaLag === 0);
  return drained ? (drained.ts - lastTs) / 1000 : null;
}

function sold(run: Run): number {
  if (run.finalState) return run.finalState.products.reduce((sum, p) => sum + p.dbConfirmed, 0);
  for (let i = run.samples.length - 1; i >= 0; i--) {
    const c = run.samples[i]?.pgConfirmed;
    if (c !== null && c !== undefined) return c;
  }
  return 0;
}

/** The timing of the whole run and of each time row, with the API's own p99 beside each when its /metrics were scraped. */
function timing(run: Run, digest: HistoryDigest, server: ServerLatency | null): KeyFigures['timing'] {
  const rows = timingRows(digest.buckets);
  const whole = digest.timing.summary();
  if (!server || server.intervals.length === 0) return { whole, rows };
  const withServer = serverTimingRows(rows, server.intervals, run.manifest.startedAt);
  return { whole: { ...whole, ...withServer.whole }, rows: withServer.rows };
}

/** The run's key figures: results.json's when present, else computed from the history digest, samples and scraped server latency. */
export function keyFigures(run: Run, digest: HistoryDigest, server: ServerLatency | null = null): SourcedFigures {
  if (run.results?.figures) return { figures: run.results.figures, source: 'results.json' };
  const span = digest.firstTs !== null && digest.lastTs !== null ? (digest.lastTs - digest.firstTs) / 1000 : 0;
  const q = (p: number) => digest.latency.quantile(p) ?? 0;
  return {
    source: 'history',
    figures: {
      requests: digest.requests,
      reqPerSec: span > 0 ? digest.requests / span : digest.requests,
      accepted: digest.byClass['200'],
      sold: sold(run),
      unknown: digest.byClass.unknown,
      dropped: digest.dropped,
      p50Ms: q(0.5),
      p95Ms: q(0.95),
      p99Ms: q(0.99),
      errorRate: digest.errorRate,
      drainSeconds: drainSeconds(run, digest.lastTs),
      recovery: recoveryTimes(run.faults, digest, run.samples),
      ...(digest.timing.lag.count > 0 ? { timing: timing(run, digest, server) } : {}),
    },
  };
}
