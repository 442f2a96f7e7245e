import { describe, expect, it } from 'vitest';
import { arrivalTimes } from '../src/load/arrivalTimes.ts';
import { backoffMs, buyers } from '../src/load/buyers.ts';

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
