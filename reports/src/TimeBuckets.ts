import { LatencyHistogram, outcomeClasses, type OutcomeClass, RequestTiming } from '@flux-gate/run-format';

export interface TimeBucket {
  counts: Record<OutcomeClass, number>;
  errors: number;
  latency: LatencyHistogram;
  /** The latency of the bucket's requests split into the engine's lag and the answer time. */
  timing: RequestTiming;
}

function emptyBucket(): TimeBucket {
  const counts = Object.fromEntries(outcomeClasses.map((c) => [c, 0])) as Record<OutcomeClass, number>;
  return { counts, errors: 0, latency: new LatencyHistogram(2), timing: new RequestTiming(2) };
}

function mergeInto(into: TimeBucket, from: TimeBucket): void {
  for (const c of outcomeClasses) into.counts[c] += from.counts[c];
  into.errors += from.errors;
  into.latency.merge(from.latency);
  into.timing.merge(from.timing);
}

/**
 * Requests grouped by time in at most `maxBuckets` buckets, whatever the run's length: buckets start
 * 100 ms wide and double (merging pairs) whenever the span would need more, so memory stays bounded.
 */
export class TimeBuckets {
  widthMs = 100;
  private readonly map = new Map<number, TimeBucket>();
  private min = Infinity;
  private max = -Infinity;

  constructor(
    readonly originMs: number,
    readonly maxBuckets = 300,
  ) {}

  /** The bucket that holds time `ts`, created if needed. */
  at(ts: number): TimeBucket {
    let i = Math.floor((ts - this.originMs) / this.widthMs);
    if (Math.max(this.max, i) - Math.min(this.min, i) + 1 > this.maxBuckets) {
      this.coarsen(i);
      i = Math.floor((ts - this.originMs) / this.widthMs);
    }
    this.min = Math.min(this.min, i);
    this.max = Math.max(this.max, i);
    let b = this.map.get(i);
    if (!b) this.map.set(i, (b = emptyBucket()));
    return b;
  }

  /** Every bucket from the first to the last, gaps filled, with its start time in ms since origin. */
  list(): { startMs: number; bucket: TimeBucket }[] {
    const out: { startMs: number; bucket: TimeBucket }[] = [];
    for (let i = this.min; i <= this.max; i++) out.push({ startMs: i * this.widthMs, bucket: this.map.get(i) ?? emptyBucket() });
    return out;
  }

  private coarsen(incoming: number): void {
    let lo = Math.min(this.min, incoming);
    let hi = Math.max(this.max, incoming);
    while (hi - lo + 1 > this.maxBuckets) {
      const merged = new Map<number, TimeBucket>();
      for (const [i, b] of this.map) {
        const j = Math.floor(i / 2);
        const into = merged.get(j);
        if (into) mergeInto(into, b);
        else merged.set(j, b);
      }
      this.map.clear();
      for (const [j, b] of merged) this.map.set(j, b);
      this.widthMs *= 2;
      lo = Math.floor(lo / 2);
      hi = Math.floor(hi / 2);
    }
    if (this.map.size > 0) {
      this.min = Math.min(...this.map.keys());
      this.max = Math.max(...this.map.keys());
    }
  }
}
