import type { MetricsScrape, Run } from '@flux-gate/run-format';
import { describe, expect, it } from 'vitest';
import { bucketQuantile, serverLatency } from '../src/serverLatency.ts';

/** A scrape of one API instance whose POST /order histogram holds `counts` at 1 ms, 10 ms and +Inf (cumulative). */
const scrape = (ts: number, target: string, counts: [number, number, number], route = '/order'): MetricsScrape => ({
  ts,
  target,
  histograms: [
    {
      name: 'http_request_duration_seconds',
      labels: { method: 'POST', route, status_code: '200' },
      // +Inf as JSON stores it.
      buckets: [
        [0.001, counts[0]],
        [0.01, counts[1]],
        [null as unknown as number, counts[2]],
      ],
      count: counts[2],
      sum: 0,
    },
  ],
  values: [],
});

const runOf = (scrapes: MetricsScrape[]) =>
  ({
    manifest: { startedAt: 0 },
    async *metrics() {
      yield* scrapes;
    },
  }) as unknown as Run;

describe('bucketQuantile', () => {
  it('interpolates inside the bucket that holds the rank, as histogram_quantile does', () => {
    const buckets: Array<[number | null, number]> = [
      [0.001, 50],
      [0.01, 100],
      [null, 100],
    ];
    expect(bucketQuantile(buckets, 0.5)).toBeCloseTo(1, 6);
    expect(bucketQuantile(buckets, 0.99)).toBeCloseTo(1 + 9 * (49 / 50), 6);
    expect(bucketQuantile([[0.001, 0], [null, 0]], 0.5)).toBeNull();
    expect(bucketQuantile([[0.001, 0], [null, 4]], 0.5)).toBe(1);
  });
});

describe('serverLatency', () => {
  it('sums the instances of each tick from the change since the tick before, and counts a restarted instance from zero', async () => {
    const latency = await serverLatency(
      runOf([
        scrape(1000, 'api-1', [10, 10, 10]),
        scrape(1003, 'api-2', [10, 10, 10]),
        // Second 2: api-1 answered 10 more, all slow (over 10 ms); api-2 restarted and answered 5 fast ones.
        scrape(2000, 'api-1', [10, 10, 20]),
        scrape(2002, 'api-2', [5, 5, 5]),
        scrape(2004, 'api-3', [0, 0, 0], '/products/:productId'),
      ]),
    );
    expect(latency.x).toEqual([1, 2]);
    expect(latency.p50).toEqual([0.5, 10]);
    expect(latency.overall).toEqual({ requests: 35, p50Ms: expect.closeTo(0.7, 6), p99Ms: 10 });
    // Each instance's intervals that finished requests, from its scrape before (or, for its first, the scrape alone).
    expect(latency.intervals.map((i) => [i.fromTs, i.toTs, i.buckets.at(-1)![1]])).toEqual([
      [1000, 1000, 10],
      [1003, 1003, 10],
      [1000, 2000, 10],
      [1003, 2002, 5],
    ]);
  });

  it("times a scrape by its answer when it has one: an instance's counts are those of when it answered", async () => {
    const late = (ts: number, answeredTs: number, counts: [number, number, number]) => ({ ...scrape(ts, 'api-1', counts), answeredTs });
    const latency = await serverLatency(runOf([late(500, 600, [0, 0, 0]), late(1000, 2700, [4, 4, 4])]));
    expect(latency.intervals).toEqual([{ fromTs: 600, toTs: 2700, buckets: [[0.001, 4], [0.01, 4], [null, 4]] }]);
    expect(latency.x).toEqual([3]);
  });

  it('has nothing to say for a run without scraped metrics', async () => {
    expect(await serverLatency(runOf([]))).toEqual({ x: [], p50: [], p99: [], overall: null, intervals: [] });
  });
});
