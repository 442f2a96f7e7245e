import { describe, expect, it } from 'vitest';
import { arrivalTimes } from '../src/load/arrivalTimes.ts';
import { backoffMs, buyers } from '../src/load/buyers.ts';
import { arrivalOf, segmentTimes, shareOf } from '../src/load/segment.ts';

describe('arrival times', () => {
  it('a constant rate spaces arrivals evenly', () => {
    const t = arrivalTimes(100, [{ rate: 100, durationMs: 2000 }]);
    expect(t).toHaveLength(200);
    expect(t[0]).toBe(0);
    expect(t[1]).toBeCloseTo(10, 6);
    expect(t[199]).toBeCloseTo(1990, 6);
  });

  it('a ramp from 0 packs arrivals towards its end, then the plateau holds its rate', () => {
    const t = arrivalTimes(0, [
      { rate: 1000, durationMs: 1000 },
      { rate: 1000, durationMs: 1000 },
    ]);
    expect(t).toHaveLength(1500);
    // Half of the ramp's 500 arrivals come in its last 29% (count grows as t²).
    expect(t[250]).toBeCloseTo(Math.sqrt(0.5) * 1000, 0);
    expect(t[500]).toBeCloseTo(1000, 6);
    expect(t[1499]! - t[1498]!).toBeCloseTo(1, 6);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThanOrEqual(t[i - 1]!);
  });

  it('a ramp down slows arrivals', () => {
    const t = arrivalTimes(1000, [{ rate: 0, durationMs: 1000 }]);
    expect(t).toHaveLength(500);
    expect(t[1]! - t[0]!).toBeLessThan(t[499]! - t[498]!);
    expect(t[499]).toBeLessThan(1000);
  });

  it('refuses an unbounded plan', () => {
    expect(() => arrivalTimes(50_000, [{ rate: 50_000, durationMs: 3_600_000 }])).toThrow(/at most/);
  });
});

describe('buyers', () => {
  it('every buyer once before any comes twice, in an order the seed picks', () => {
    const who = buyers({ seed: 3, round: 0, users: 50, products: ['a', 'b'] });
    const first = Array.from({ length: 50 }, (_, n) => who(n).userId);
    expect(new Set(first).size).toBe(50);
    expect(who(50).userId).toBe(first[0]);
    expect(who(1).productId).toBe('b');
    const other = buyers({ seed: 4, round: 0, users: 50, products: ['a'] });
    expect(Array.from({ length: 50 }, (_, n) => other(n).userId)).not.toEqual(first);
  });

  it('keys differ between rounds', () => {
    expect(buyers({ seed: 3, round: 0, users: 5, products: ['a'] })(0).key).not.toBe(buyers({ seed: 3, round: 1, users: 5, products: ['a'] })(0).key);
  });

  it('backoff is full jitter under a growing cap, the same for the same arrival and attempt', () => {
    const b = { baseMs: 100, maxMs: 1000 };
    for (let n = 0; n < 200; n++) {
      expect(backoffMs(1, n, 1, b)).toBeLessThan(100);
      expect(backoffMs(1, n, 3, b)).toBeLessThan(400);
      expect(backoffMs(1, n, 8, b)).toBeLessThan(1000);
      expect(backoffMs(1, n, 2, b)).toBe(backoffMs(1, n, 2, b));
    }
    const draws = Array.from({ length: 200 }, (_, n) => backoffMs(1, n, 4, b));
    expect(Math.max(...draws)).toBeGreaterThan(600);
    expect(Math.min(...draws)).toBeLessThan(200);
  });
});

describe('segments of one schedule', () => {
  it('the segments of N processes hold every arrival once, each at its own due time, striped over the whole schedule', () => {
    const all = arrivalTimes(0, [
      { rate: 300, durationMs: 1000 },
      { rate: 300, durationMs: 1000 },
    ]);
    for (const count of [1, 2, 3, 4, 7]) {
      const seen = new Map<number, number>();
      for (let index = 0; index < count; index++) {
        const own = segmentTimes(all, { index, count });
        own.forEach((due, k) => seen.set(arrivalOf(k, { index, count }), due));
        // Each segment's arrivals span the whole schedule, not a block of it.
        expect(own[own.length - 1]! - own[0]!).toBeGreaterThan(1700);
      }
      expect(seen.size).toBe(all.length);
      all.forEach((due, n) => expect(seen.get(n)).toBe(due));
    }
  });

  it('shares add up to the whole, the first ones taking the remainder', () => {
    expect([0, 1, 2].map((index) => shareOf(10, { index, count: 3 }))).toEqual([4, 3, 3]);
    expect([0, 1, 2, 3].map((index) => shareOf(2, { index, count: 4 }))).toEqual([1, 1, 0, 0]);
    expect(shareOf(256, { index: 0, count: 1 })).toBe(256);
  });
});
