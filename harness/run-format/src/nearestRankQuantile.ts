/**
 * The nearest-rank q-quantile of ascending values: the smallest one with at least q of them at or
 * below it. NaN when there are none, rather than a made-up figure.
 */
export function nearestRankQuantile(ascending: ArrayLike<number>, q: number): number {
  if (ascending.length === 0) return Number.NaN;
  return ascending[Math.max(1, Math.ceil(q * ascending.length)) - 1]!;
}
