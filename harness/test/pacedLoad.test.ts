import { describe, expect, it } from 'vitest';
import { summarizeOhaCsv } from '../src/bench/pacedLoad.ts';

const header = 'request-start,DNS,DNS+dialup,Response-delay,request-duration,bytes,status';
const row = (startS: number, latencyMs: number, status = 200) => `${startS},0,0,0.001,${latencyMs / 1000},54,${status}`;

describe("summarizeOhaCsv: (e)'s figures from oha's per-request CSV", () => {
  it('leaves the warm-up out and takes latency, statuses and rate from the measured requests', () => {
    // 10 req/s for 1 s of warm-up (slow, left out) and 2 s measured.
    const warm = Array.from({ length: 10 }, (_, i) => row(i / 10, 500));
    const measured = Array.from({ length: 20 }, (_, i) => row(1 + i / 10, i + 1, i === 19 ? 409 : 200));
    const r = summarizeOhaCsv('e', [header, ...warm, ...measured, ''].join('\n'), { due: 30, warmupS: 1, durationS: 2 });
    expect(r.reqPerSec).toBe(10);
    expect(r.okPerSec).toBe(9.5);
    expect(r.statuses).toEqual({ '200': 19, '409': 1 });
    // An HDR histogram's quantile: at or above the exact one, by at most 1/1024 of it.
    expect(r.p50Ms).toBeGreaterThanOrEqual(10);
    expect(r.p50Ms).toBeLessThan(10 * (1 + 1 / 1024));
    expect(r.p99Ms).toBeCloseTo(20);
    expect(r.errors).toBe(0);
    // Second 1 holds latencies 1..10 ms, second 2 holds 11..20 ms.
    expect(r.perSecondP99Ms).toEqual([10, 20]);
  });

  it('counts the requests due but never answered as errors', () => {
    const answered = Array.from({ length: 27 }, (_, i) => row(i / 10, 1));
    const r = summarizeOhaCsv('e', [header, ...answered].join('\n'), { due: 30, warmupS: 1, durationS: 2 });
    expect(r.errors).toBe(3);
  });

  it('refuses a CSV that is not in the expected shape', () => {
    expect(() => summarizeOhaCsv('e', `${header}\n0.1,0.002,200`, { due: 10, warmupS: 0, durationS: 1 })).toThrow(/expected 7 fields/);
  });
});
