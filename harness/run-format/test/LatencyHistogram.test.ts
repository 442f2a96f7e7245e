import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../src/LatencyHistogram.ts';
import { nearestRankQuantile } from '../src/nearestRankQuantile.ts';
import { seededRandom } from '../src/seededRandom.ts';

const qs = [0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

/** Latencies in ms, whole microseconds as the load records them, log-uniform from 1 µs to about 160 s. */
function sample(seed: number, n: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => Math.round(Math.exp(random() * 19)) / 1000);
}

describe('LatencyHistogram', () => {
  it.each([3, 2] as const)('answers each quantile at or above the exact nearest-rank value and within its precision (%i figures)', (figures) => {
    const values = sample(9, 50_000);
    const h = new LatencyHistogram(figures);
    for (const v of values) h.add(v);
    const sorted = values.sort((a, b) => a - b);
    expect(h.precision).toBe(figures === 3 ? 1 / 1024 : 1 / 128);
    expect(h.count).toBe(50_000);
    for (const q of qs) {
      const exact = nearestRankQuantile(sorted, q);
      expect(h.quantile(q)).toBeGreaterThanOrEqual(exact);
      expect(h.quantile(q)!).toBeLessThan(exact * (1 + h.precision));
    }
  });

  it('is exact, rank included, for values under 2,048 µs', () => {
    const random = seededRandom(4);
    for (let trial = 0; trial < 200; trial++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 300) }, () => (1 + Math.floor(random() * 2047)) / 1000);
      const h = new LatencyHistogram();
      for (const v of values) h.add(v);
      values.sort((a, b) => a - b);
      for (const q of [...qs, 1 / 3]) expect(h.quantile(q)).toBe(nearestRankQuantile(values, q));
    }
  });

  it('merges into the same quantiles as one histogram of every value, and refuses other figures', () => {
    const values = sample(5, 20_000);
    const whole = new LatencyHistogram(2);
    const a = new LatencyHistogram(2);
    const b = new LatencyHistogram(2);
    values.forEach((v, i) => {
      whole.add(v);
      (i % 3 ? a : b).add(v);
    });
    a.merge(b);
    expect(a.count).toBe(20_000);
    for (const q of qs) expect(a.quantile(q)).toBe(whole.quantile(q));
    expect(() => a.merge(new LatencyHistogram(3))).toThrow(/figure/);
  });

  it('counts what it cannot tell apart at its ends, and answers null when empty', () => {
    const h = new LatencyHistogram();
    expect(h.quantile(0.5)).toBeNull();
    h.add(0);
    h.add(5_000_000);
    expect(h.count).toBe(2);
    expect(h.quantile(0.5)).toBe(0.001);
    expect(h.quantile(1)).toBe(3_600_000);
  });

  it('answers no more than the largest value recorded, merged ones included', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100; i++) h.add(1500);
    expect(h.quantile(0.99)).toBe(1500);
    const merged = new LatencyHistogram();
    merged.add(1);
    merged.merge(h);
    expect(merged.quantile(1)).toBe(1500);
  });
});
