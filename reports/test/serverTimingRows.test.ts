import { describe, expect, it } from 'vitest';
import type { ServerInterval } from '../src/serverLatency.ts';
import { serverTimingRows } from '../src/serverTimingRows.ts';

/** An interval whose histogram change holds `fast` requests under 1 ms, `mid` between 1 and 10 ms and `slow` over 10 ms. */
const interval = (fromTs: number, toTs: number, fast: number, mid: number, slow: number): ServerInterval => ({
  fromTs,
  toTs,
  buckets: [
    [0.001, fast],
    [0.01, fast + mid],
    [null, fast + mid + slow],
  ],
});

const origin = 10_000;
const rows = [
  { fromMs: 0, toMs: 500, label: 'a' },
  { fromMs: 500, toMs: 1000, label: 'b' },
  { fromMs: 1000, toMs: 1500, label: 'c' },
];

describe('serverTimingRows', () => {
  it("puts each scrape interval in the row its midpoint falls in, summing instances, and takes each row's p99 from its sum", () => {
    const out = serverTimingRows(
      rows,
      [
        // Midpoint 250 ms: row a, from two instances.
        interval(origin + 0, origin + 500, 100, 0, 0),
        interval(origin + 10, origin + 490, 0, 100, 0),
        // Midpoint 760 ms (a late answer drawn out over two rows): row b alone.
        interval(origin + 500, origin + 1020, 0, 0, 50),
        // Midpoint 2000 ms: past every row, counted only in the whole run.
        interval(origin + 1500, origin + 2500, 10, 0, 0),
      ],
      origin,
    );
    expect(out.rows.map((r) => [r.label, r.serverRequests])).toEqual([
      ['a', 200],
      ['b', 50],
      ['c', 0],
    ]);
    // Row a: 100 under 1 ms and 100 in (1, 10] ms; rank 198 lies 98 of 100 into the second bucket.
    expect(out.rows[0]!.serverP99Ms).toBeCloseTo(1 + 9 * 0.98, 3);
    // Row b: every request over the last finite bound: the +Inf bucket answers its lower bound.
    expect(out.rows[1]!.serverP99Ms).toBe(10);
    expect(out.rows[2]!.serverP99Ms).toBeNull();
    // The whole run: 260 requests, rank 257.4 among the 50 slow ones, so 10 ms.
    expect(out.whole).toEqual({ serverRequests: 260, serverP99Ms: 10 });
  });

  it('says nothing of a row or a run without intervals, and keeps the rows as they were', () => {
    const out = serverTimingRows(rows, [], origin);
    expect(out.whole).toEqual({ serverRequests: 0, serverP99Ms: null });
    expect(out.rows).toEqual(rows.map((r) => ({ ...r, serverRequests: 0, serverP99Ms: null })));
  });
});
