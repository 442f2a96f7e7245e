import { describe, expect, it } from 'vitest';
import { nearestRankQuantile as percentile } from '../src/nearestRankQuantile.ts';

describe('nearestRankQuantile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('gives the smallest value with at least q of the values at or below it', () => {
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile([1, 2, 3], 0.5)).toBe(2);
    expect(percentile([7], 0.99)).toBe(7);
  });

  it('is NaN for no values rather than a made-up figure', () => {
    expect(percentile([], 0.99)).toBeNaN();
  });
});
