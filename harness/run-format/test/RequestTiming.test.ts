import { describe, expect, test } from 'vitest';
import { RequestTiming } from '../src/RequestTiming.ts';

describe('RequestTiming', () => {
  test('splits the latency from due into the engine lag and the answer time', () => {
    const t = new RequestTiming();
    // Due at 0, sent at 30, answered 100 ms from due: lag 30, answer 70.
    t.add({ ts: 30, intendedTs: 0, sentTs: 30, latencyMs: 100, status: 200 });
    // Sent on time, never answered: counts in the lag only.
    t.add({ ts: 50, intendedTs: 50, sentTs: 50, latencyMs: 5000, status: 0 });
    // Dropped (no sentTs): counts nowhere.
    t.add({ ts: 60, intendedTs: 60, latencyMs: 0, status: 0 });
    expect(t.summary()).toEqual({ sent: 2, answered: 1, fromDueP99Ms: 100, engineLagP50Ms: 0.001, engineLagP99Ms: 30, answerP50Ms: 70, answerP99Ms: 70 });
  });

  test('merged timings give the quantiles of all their requests', () => {
    const a = new RequestTiming();
    const b = new RequestTiming();
    for (let i = 1; i <= 100; i++) (i % 2 ? a : b).add({ ts: i, intendedTs: 0, sentTs: i, latencyMs: i + 10, status: 200 });
    a.merge(b);
    const s = a.summary();
    expect(s).toMatchObject({ sent: 100, answered: 100, answerP99Ms: 10 });
    // 99 ms, within the histogram's precision above it (see LatencyHistogram).
    expect(s.engineLagP99Ms).toBeGreaterThanOrEqual(99);
    expect(s.engineLagP99Ms).toBeLessThanOrEqual(99 * (1 + a.lag.precision));
  });
});
