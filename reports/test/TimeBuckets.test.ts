import { describe, expect, it } from 'vitest';
import { nearestRankQuantile, seededRandom } from '@flux-gate/run-format';
import { TimeBuckets } from '../src/TimeBuckets.ts';

describe('time buckets', () => {
  it('keeps at most 300 time buckets and loses no request when it coarsens', () => {
    const buckets = new TimeBuckets(0);
    for (let ts = -5_000; ts < 3_600_000; ts += 7) buckets.at(ts).counts['200']++;
    const list = buckets.list();
    expect(list.length).toBeLessThanOrEqual(300);
    expect(list.reduce((n, b) => n + b.bucket.counts['200'], 0)).toBe(Math.ceil(3_605_000 / 7));
  });

  it("answers each coarsened bucket's p99 within its histogram's precision of the exact value", () => {
    const random = seededRandom(3);
    const buckets = new TimeBuckets(0, 20);
    const exact = new Map<number, number[]>();
    const events = Array.from({ length: 40_000 }, (_, i) => ({ ts: i * 2, ms: Math.round(Math.exp(random() * 14)) / 1000 }));
    for (const e of events) buckets.at(e.ts).latency.add(e.ms);
    for (const e of events) {
      const i = Math.floor(e.ts / buckets.widthMs);
      exact.set(i, exact.get(i) ?? []).get(i)!.push(e.ms);
    }
    expect(buckets.widthMs).toBeGreaterThan(100);
    for (const { startMs, bucket } of buckets.list()) {
      const want = nearestRankQuantile(exact.get(startMs / buckets.widthMs)!.sort((a, b) => a - b), 0.99);
      expect(bucket.latency.quantile(0.99)).toBeGreaterThanOrEqual(want);
      expect(bucket.latency.quantile(0.99)!).toBeLessThan(want * (1 + bucket.latency.precision));
    }
  });
});
