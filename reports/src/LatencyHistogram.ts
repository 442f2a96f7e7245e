const bucketsPerDoubling = 16;
const minMs = 0.01;
const doublings = 24; // 0.01 ms … about 168 s; slower answers land in the last bucket
const size = bucketsPerDoubling * doublings + 1;

/**
 * Latencies counted in fixed log-spaced buckets (about 4% wide), so quantiles of any number of
 * requests take constant memory. A quantile is answered with its bucket's upper bound.
 */
export class LatencyHistogram {
  readonly counts = new Uint32Array(size);
  total = 0;

  add(ms: number): void {
    const i = ms <= minMs ? 0 : Math.min(size - 1, Math.ceil(Math.log2(ms / minMs) * bucketsPerDoubling));
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.total++;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < size; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.total += other.total;
  }

  /** The q-quantile (0 < q ≤ 1) in ms, or null when nothing was counted. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < size; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return minMs * 2 ** (i / bucketsPerDoubling);
    }
    return minMs * 2 ** ((size - 1) / bucketsPerDoubling);
  }
}
