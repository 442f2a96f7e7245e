import { bootstrapQuantileDiff, type QuantileDiff } from './bootstrapQuantileDiff.ts';
import type { formatFigure } from './formatFigure.ts';
import type { Verdict } from '@flux-gate/run-format';
import type { RunSummary } from './summarizeRun.ts';

/** The stated regression tests; the comparison page and the terminal print these words. */
export const regressionRules = {
  latencyRelative: 0.1,
  throughputDrop: 0.1,
  errorRateRise: 0.01,
  confidence: 0.95,
  iterations: 2000,
  describe(): string[] {
    return [
      `latency p50/p99: B − A's ${this.confidence * 100}% bootstrap confidence interval (${this.iterations} resamples of each run's reservoir of up to 10,000 latencies, seeded) lies above 0 and B is more than ${this.latencyRelative * 100}% slower`,
      `throughput: B's requests/s is more than ${this.throughputDrop * 100}% below A's`,
      `error rate: B's is more than ${this.errorRateRise * 100} percentage point(s) above A's`,
      'invariants: a check that passed in A does not pass in B',
      'p95, drain time and time to recover are shown with their deltas but not tested',
    ];
  },
};

export interface FigureRow {
  name: string;
  a: number | null;
  b: number | null;
  format: keyof typeof formatFigure;
  regression: boolean;
  /** Why it was or was not flagged, when tested. */
  test?: string;
}

export interface CheckRow {
  name: string;
  a: Verdict | null;
  b: Verdict | null;
  regression: boolean;
}

export interface Comparison {
  a: RunSummary;
  b: RunSummary;
  figures: FigureRow[];
  checks: CheckRow[];
  latency: QuantileDiff[];
  regressions: string[];
}

/** Compares run B against baseline A and flags only regressions beyond noise (see regressionRules). */
export function compareRuns(a: RunSummary, b: RunSummary, seed = 1): Comparison {
  const fa = a.figures;
  const fb = b.figures;
  const r = regressionRules;
  const latency = bootstrapQuantileDiff(a.digest.latencySample, b.digest.latencySample, [0.5, 0.99], {
    seed,
    confidence: r.confidence,
    iterations: r.iterations,
  });
  const latencyRow = (q: number, name: string, av: number, bv: number): FigureRow => {
    const d = latency.find((x) => x.q === q);
    if (!d) return { name, a: av, b: bv, format: 'ms', regression: false, test: 'no latency sample' };
    const ci = `CI of B − A [${d.low.toFixed(2)}, ${d.high.toFixed(2)}] ms`;
    return { name, a: av, b: bv, format: 'ms', regression: d.low > 0 && d.b > d.a * (1 + r.latencyRelative), test: ci };
  };
  const figures: FigureRow[] = [
    { name: 'requests/s', a: fa.reqPerSec, b: fb.reqPerSec, format: 'rate', regression: fb.reqPerSec < fa.reqPerSec * (1 - r.throughputDrop), test: `drop > ${r.throughputDrop * 100}%` },
    latencyRow(0.5, 'latency p50', fa.p50Ms, fb.p50Ms),
    { name: 'latency p95', a: fa.p95Ms, b: fb.p95Ms, format: 'ms', regression: false },
    latencyRow(0.99, 'latency p99', fa.p99Ms, fb.p99Ms),
    { name: 'error rate', a: fa.errorRate, b: fb.errorRate, format: 'percent', regression: fb.errorRate - fa.errorRate > r.errorRateRise, test: `rise > ${r.errorRateRise * 100} pp` },
    { name: 'accepted', a: fa.accepted, b: fb.accepted, format: 'count', regression: false },
    { name: 'sold', a: fa.sold, b: fb.sold, format: 'count', regression: false },
    { name: 'unknown outcome', a: fa.unknown, b: fb.unknown, format: 'count', regression: false },
    { name: 'drain time', a: fa.drainSeconds, b: fb.drainSeconds, format: 'seconds', regression: false },
    ...[...new Set([...fa.recovery, ...fb.recovery].map((x) => x.fault))].map((fault): FigureRow => ({
      name: `recover after “${fault}”`,
      a: fa.recovery.find((x) => x.fault === fault)?.seconds ?? null,
      b: fb.recovery.find((x) => x.fault === fault)?.seconds ?? null,
      format: 'seconds',
      regression: false,
    })),
  ];
  const ca = a.run.results?.checks ?? [];
  const cb = b.run.results?.checks ?? [];
  const checks = [...new Set([...ca, ...cb].map((c) => c.name))].map((name): CheckRow => {
    const va = ca.find((c) => c.name === name)?.verdict ?? null;
    const vb = cb.find((c) => c.name === name)?.verdict ?? null;
    return { name, a: va, b: vb, regression: va === 'pass' && vb !== 'pass' };
  });
  const regressions = [
    ...figures.filter((f) => f.regression).map((f) => `${f.name} (${f.test})`),
    ...checks.filter((c) => c.regression).map((c) => `invariant ${c.name}: ${c.a} → ${c.b ?? 'missing'}`),
  ];
  return { a, b, figures, checks, latency, regressions };
}
