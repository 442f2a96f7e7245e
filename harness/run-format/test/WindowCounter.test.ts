import { describe, expect, it } from 'vitest';
import { runWindows, windowCounts } from '../src/WindowCounter.ts';
import type { FaultRecord, FinalOrder, HistoryEntry } from '../src/runFiles.ts';

const fault = (id: string, injectedAt: number, healedAt?: number): FaultRecord => ({
  id,
  kind: 'isolate',
  target: 'kafka-leader',
  label: `isolate ${id}`,
  injectedAt,
  ...(healedAt === undefined ? {} : { healedAt }),
});

let n = 0;
const entry = (key: string, ts: number, outcome: HistoryEntry['outcome'], more: Partial<HistoryEntry> = {}): HistoryEntry => ({
  ts,
  intendedTs: ts,
  latencyMs: 5,
  userId: `u${n++}`,
  productId: 'p',
  key,
  status: outcome === 'ok' ? 200 : outcome === 'fail' ? 409 : 0,
  outcome,
  attempt: 1,
  ...(outcome === 'ok' ? { orderId: `o-${key}` } : {}),
  ...more,
});

const order = (orderId: string, status: FinalOrder['status']): FinalOrder => ({ orderId, userId: 'u', productId: 'p', status, reason: null, kafkaPartition: 0, kafkaOffset: '0' });

describe('runWindows', () => {
  it('no faults, no windows', () => {
    expect(runWindows([])).toEqual([]);
  });

  it('before, each fault, the calm between and after, in time order', () => {
    const w = runWindows([fault('b', 5000, 6000), fault('a', 1000, 2000)]);
    expect(w.map((x) => [x.kind, x.from, x.to])).toEqual([
      ['before', null, 1000],
      ['fault', 1000, 2000],
      ['between', 2000, 5000],
      ['fault', 5000, 6000],
      ['after', 6000, null],
    ]);
  });

  it('overlapping faults leave no calm between them; one never healed leaves no after', () => {
    const w = runWindows([fault('a', 1000, 3000), fault('b', 2000, 2500), fault('c', 2800)]);
    expect(w.map((x) => [x.kind, x.label, x.from, x.to])).toEqual([
      ['before', 'before', null, 1000],
      ['fault', 'isolate a', 1000, 3000],
      ['fault', 'isolate b', 2000, 2500],
      ['fault', 'isolate c', 2800, null],
    ]);
  });
});

describe('windowCounts', () => {
  const faults = [fault('f', 1000, 2000)];

  it('counts each arrival once, in the window its first attempt was due in, by its final outcome', () => {
    const history = [
      entry('a', 100, 'ok'),
      entry('b', 200, 'fail'),
      entry('c', 1100, 'unknown'),
      // retried after the heal and accepted: still an arrival of the fault window, accepted
      entry('d', 1500, 'unknown'),
      entry('d', 2100, 'ok', { attempt: 2 }),
      // accepted, then its retry timed out: a 200 was given, so accepted
      entry('e', 1600, 'ok'),
      entry('e', 1700, 'unknown', { attempt: 2 }),
      entry('f', 1800, 'dropped', { status: 0 }),
      entry('g', 2500, 'fail'),
    ];
    const [before, during, after] = windowCounts(history, faults, null);
    expect(before).toMatchObject({ kind: 'before', arrivals: 2, accepted: 1, refused: 1, open: 0, dropped: 0, brokenPromises: null });
    expect(during).toMatchObject({ kind: 'fault', label: 'isolate f', faultId: 'f', arrivals: 4, accepted: 2, refused: 0, open: 1, dropped: 1 });
    expect(after).toMatchObject({ kind: 'after', arrivals: 1, refused: 1 });
  });

  it('an accepted order PostgreSQL rejected or never stored is a broken promise of its window', () => {
    const history = [entry('a', 100, 'ok'), entry('b', 1100, 'ok'), entry('c', 1200, 'ok'), entry('d', 1300, 'ok'), entry('e', 1400, 'unknown', { orderId: 'o-e' })];
    const final = { orders: [order('o-a', 'confirmed'), order('o-b', 'rejected'), order('o-d', 'confirmed'), order('o-e', 'rejected')] };
    const [before, during] = windowCounts(history, faults, final);
    expect(before).toMatchObject({ accepted: 1, brokenPromises: 0, acceptedThenRejected: 0, acceptedThenMissing: 0 });
    // o-b rejected, o-c missing; o-e was never accepted, so its rejection breaks no promise
    expect(during).toMatchObject({ accepted: 3, open: 1, brokenPromises: 2, acceptedThenRejected: 1, acceptedThenMissing: 1 });
  });

  it('an arrival due while two faults overlap counts in both', () => {
    const rows = windowCounts([entry('a', 2200, 'unknown')], [fault('x', 1000, 3000), fault('y', 2000, 2500)], null);
    expect(rows.filter((r) => r.arrivals === 1).map((r) => r.label)).toEqual(['isolate x', 'isolate y']);
  });

  it('the arrivals of every calm and fault window add up when faults do not overlap', () => {
    const history = Array.from({ length: 300 }, (_, i) => entry(`k${i}`, i * 10, i % 3 === 0 ? 'ok' : i % 3 === 1 ? 'fail' : 'unknown'));
    const rows = windowCounts(history, [fault('a', 500, 900), fault('b', 1500, 2200)], null);
    expect(rows.reduce((s, r) => s + r.arrivals, 0)).toBe(300);
    for (const r of rows) expect(r.accepted + r.refused + r.open + r.dropped).toBe(r.arrivals);
  });
});
