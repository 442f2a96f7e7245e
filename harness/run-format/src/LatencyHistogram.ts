import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

const highestUs = 3_600_000_000;

/**
 * Latencies in an HDR histogram (Node's perf_hooks, HdrHistogram_c), so quantiles of any number of
 * requests take constant memory. Values are recorded in whole microseconds, from 1 µs to one hour
 * (slower ones count as one hour), with `figures` significant digits: 3 (about 190 KB) for a whole
 * run, 2 (about 27 KB) where many are kept, one per time bucket.
 */
export class LatencyHistogram {
  private readonly hdr: RecordableHistogram;
  /** The largest value recorded, in µs: HDR's own max is its bucket's upper end. */
  private maxUs = 0;

  constructor(readonly figures: 2 | 3 = 3) {
    this.hdr = createHistogram({ lowest: 1, highest: highestUs, figures });
  }

  /**
   * How far above the exact nearest-rank value a quantile may be, as a fraction of it: the width of
   * one HDR sub-bucket (1/1024 for 3 figures, 1/128 for 2). A quantile is never below the exact value
   * rounded to the microsecond, nor above the largest value; values under 2,048 µs (3 figures) or
   * 256 µs (2) are exact.
   */
  get precision(): number {
    return 2 / 2 ** Math.ceil(Math.log2(2 * 10 ** this.figures));
  }

  get count(): number {
    return this.hdr.count;
  }

  add(ms: number): void {
    const us = Math.min(highestUs, Math.max(1, Math.round(ms * 1000)));
    this.hdr.record(us);
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Adds another histogram's counts; both must have the same figures, or merged quantiles could fall below the exact ones. */
  merge(other: LatencyHistogram): void {
    if (other.figures !== this.figures) throw new Error(`cannot merge a ${other.figures}-figure latency histogram into a ${this.figures}-figure one`);
    this.hdr.add(other.hdr);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  /** The nearest-rank q-quantile (0 < q ≤ 1) in ms, within `precision` above the exact value, or null when nothing was counted. */
  quantile(q: number): number | null {
    const n = this.hdr.count;
    if (n === 0) return null;
    // HdrHistogram_c takes the count at a percentile rounded to the nearest integer, not up: asking for
    // exactly rank/n of the count makes it the nearest rank.
    const rank = Math.min(n, Math.max(1, Math.ceil(q * n)));
    // The answer is its sub-bucket's upper end, which may be above every value recorded.
    return Math.min(this.hdr.percentile((100 * rank) / n), this.maxUs) / 1000;
  }
}
