import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/LatencyHistogram.ts';
import { seededRandom } from '@flux-gate/run-format';
import { TimeBuckets } from '../src/TimeBuckets.ts';

describe('bounded-memory latency and time buckets', () => {
  it('answers quantiles within one bucket (about 4.4%) of the exact value', () => {
    const random = seededRandom(9);
    const values = Array.from({ length: 50_000 }, () => Math.exp(random() * 8));
    const h = new LatencyHistogram();
    for (const v of values) h.add(v);
    const sorted = values.sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(h.quantile(q)! / exact).toBeGreaterThanOrEqual(1);
      expect(h.quantile(q)! / exact).toBeLessThan(1.045);
    }
    expect(new LatencyHistogram().quantile(0.5)).toBeNull();
  });

  it('keeps at most 300 time buckets and loses no request when it coarsens', () => {
    const buckets = new TimeBuckets(0);
    for (let ts = -5_000; ts < 3_600_000; ts += 7) buckets.at(ts).counts['200']++;
    const list = buckets.list();
    expect(list.length).toBeLessThanOrEqual(300);
    expect(list.reduce((n, b) => n + b.bucket.counts['200'], 0)).toBe(Math.ceil(3_605_000 / 7));
  });
});
