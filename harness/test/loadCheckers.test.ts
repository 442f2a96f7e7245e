import type { RecordEntry } from '@flux-gate/run-format';
import { describe, expect, test } from 'vitest';
import { recordsStored, thresholds, type CheckInput } from '../src/checkers/index.ts';
import { request, order, clean, variant } from './support/checkInputs.ts';

describe('thresholds', () => {
  test('holds on a clean run, and fails on each crossed threshold, naming it', () => {
    expect(thresholds(clean()).verdict).toBe('pass');
    const allSlow = thresholds(variant((i) => i.history.forEach((e) => (e.latencyMs = 1500))));
    expect(allSlow).toMatchObject({ verdict: 'fail', summary: expect.stringContaining('p99 1500.0 ms ≥ 1000 ms') });
    const errors = thresholds(variant((i) => i.history.push(request('u6', 0))));
    expect(errors).toMatchObject({ verdict: 'fail', summary: expect.stringContaining('error rate 16.67% > 0.00%') });
    const dropped = thresholds(variant((i) => (i.dropped = 3)));
    expect(dropped).toMatchObject({ verdict: 'fail', summary: expect.stringContaining('3 arrival(s) dropped') });
    expect(thresholds(variant((i) => ((i.dropped = 3), (i.thresholds.dropped = 3)))).verdict).toBe('pass');
  });

  test('a retry that got a decisive answer clears its arrival\'s error', () => {
    const input = variant((i) => i.history.unshift(request('u1', 0)));
    expect(thresholds(input).verdict).toBe('pass');
  });

  test('a crossed p99 while the engine fell behind is unknown, not failed; a p99 under the bound still passes', () => {
    // Every request sent 40 ms after it was due and answered 1,460 ms later: 1,500 ms from due.
    const late = (i: CheckInput, latencyMs: number) =>
      i.history.forEach((e) => Object.assign(e, { intendedTs: e.ts, sentTs: e.ts + 40, latencyMs }));
    const behind = thresholds(variant((i) => late(i, 1500)));
    expect(behind).toMatchObject({ verdict: 'unknown', summary: expect.stringContaining('The load engine fell behind: its lag (sent − due) p99 40.0 ms > 5 ms') });
    expect(behind.counts).toMatchObject({ engineLagP99Ms: 40, answerP99Ms: 1460, engineBehind: 1 });
    expect(thresholds(variant((i) => late(i, 60)))).toMatchObject({ verdict: 'pass', summary: expect.stringContaining('fell behind') });
    // The same lag within a bound the experiment raised: the crossed p99 is the system's.
    expect(thresholds(variant((i) => (late(i, 1500), (i.thresholds.engineLagP99Ms = 50)))).verdict).toBe('fail');
    // Another crossed threshold still fails while the engine was behind.
    expect(thresholds(variant((i) => (late(i, 1500), (i.dropped = 3)))).verdict).toBe('fail');
  });

  test('with nothing answered it is unknown', () => {
    expect(thresholds(variant((i) => (i.history = [request('u1', 0)]))).verdict).toBe('unknown');
  });
});

describe('records_stored', () => {
  const record = (n: number, fields: Partial<RecordEntry> = {}): RecordEntry => ({
    ts: n,
    intendedTs: n,
    latencyMs: 3,
    outcome: 'ok',
    productId: 'p1',
    orderId: `o${n}`,
    userId: `u${n}`,
    partition: 0,
    offset: String(n),
    ...fields,
  });
  const kafkaRun = (): CheckInput =>
    variant((i) => {
      i.history = [];
      i.records = [record(1), record(2), record(3), record(4, { poison: 'malformed_json', orderId: undefined, userId: undefined }), record(5, { poison: 'duplicate_order_id', orderId: 'o1', userId: 'u5-other' })];
      i.final.orders = [order('o1', 'u1', 1), order('o2', 'u2', 2), order('o3', 'u3', 3)];
      i.final.deadLetters = [
        { partition: 0, offset: '4', line: 0, reason: 'malformed', orderId: null },
        { partition: 0, offset: '5', line: 0, reason: 'duplicate_order_id', orderId: 'o1' },
      ];
    });

  test('passes when every good record is stored and every bad one set aside with a fitting reason', () => {
    expect(recordsStored(kafkaRun())).toMatchObject({ verdict: 'pass', counts: { good: 3, poison: 2 } });
  });

  test('a bad record not set aside fails, with its offset as witness', () => {
    const input = kafkaRun();
    input.final.deadLetters!.pop();
    expect(recordsStored(input)).toMatchObject({ verdict: 'fail', counts: { notSetAside: 1 }, witnesses: [expect.objectContaining({ kafkaOffset: '0:5' })] });
  });

  test('a bad record set aside for the wrong reason fails', () => {
    const input = kafkaRun();
    input.final.deadLetters![0]!.reason = 'unknown_product';
    expect(recordsStored(input)).toMatchObject({ verdict: 'fail', counts: { notSetAside: 1 } });
  });

  test('a good record set aside, or stored under another user, fails', () => {
    const setAside = kafkaRun();
    setAside.final.deadLetters!.push({ partition: 0, offset: '2', line: 0, reason: 'malformed', orderId: 'o2' });
    expect(recordsStored(setAside)).toMatchObject({ verdict: 'fail', counts: { wronglySetAside: 1 } });
    const stolen = kafkaRun();
    stolen.final.orders[0]!.userId = 'u5-other';
    expect(recordsStored(stolen).verdict).toBe('fail');
  });

  test('a good record missing after the drain fails; before it, unknown', () => {
    const missing = kafkaRun();
    missing.final.orders.pop();
    expect(recordsStored(missing)).toMatchObject({ verdict: 'fail', counts: { missing: 1 } });
    missing.final.drained = false;
    expect(recordsStored(missing).verdict).toBe('unknown');
  });
});
