import { nearestRankQuantile as quantileOf, seededRandom } from '@flux-gate/run-format';

/** B's minus A's q-quantile, with a bootstrap confidence interval. */
export interface QuantileDiff {
  q: number;
  a: number;
  b: number;
  diff: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  iterations?: number;
  confidence?: number;
  seed?: number;
}

/** The q-quantiles of one resample (with replacement) of a sorted array: counts of drawn indices walked in order, O(n). */
function resampleQuantiles(sorted: Float64Array, qs: number[], random: () => number, counts: Uint32Array): number[] {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]!++;
  const ranks = qs.map((q) => Math.max(1, Math.ceil(q * n)));
  const out = new Array<number>(qs.length);
  let seen = 0;
  let next = 0;
  for (let i = 0; i < n && next < ranks.length; i++) {
    seen += counts[i]!;
    while (next < ranks.length && seen >= ranks[next]!) out[next++] = sorted[i]!;
  }
  return out;
}

/**
 * Percentile-bootstrap confidence intervals for the difference of quantiles between two samples
 * (B − A): each iteration resamples both with replacement. Seeded, so the same inputs always give
 * the same intervals. Returns [] when either sample is empty.
 */
export function bootstrapQuantileDiff(a: number[], b: number[], qs: number[], options: BootstrapOptions = {}): QuantileDiff[] {
  if (!a.length || !b.length) return [];
  const { iterations = 2000, confidence = 0.95, seed = 1 } = options;
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const random = seededRandom(seed);
  const ca = new Uint32Array(sa.length);
  const cb = new Uint32Array(sb.length);
  const diffs = qs.map(() => new Float64Array(iterations));
  for (let it = 0; it < iterations; it++) {
    const qa = resampleQuantiles(sa, qs, random, ca);
    const qb = resampleQuantiles(sb, qs, random, cb);
    qs.forEach((_, j) => (diffs[j]![it] = qb[j]! - qa[j]!));
  }
  const tail = (1 - confidence) / 2;
  return qs.map((q, j) => {
    const d = diffs[j]!.sort();
    return {
      q,
      a: quantileOf(sa, q),
      b: quantileOf(sb, q),
      diff: quantileOf(sb, q) - quantileOf(sa, q),
      low: d[Math.floor(tail * (iterations - 1))]!,
      high: d[Math.ceil((1 - tail) * (iterations - 1))]!,
    };
  });
}
