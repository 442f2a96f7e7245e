import { describe, expect, test } from 'vitest';
import { admissionTokens, etaAccuracy, fifoFairness, noWaitAfterSoldOut } from '../src/checkers/index.ts';
import { order } from './support/checkInputs.ts';
import { poll, request, simulatedQueue, step, ticketAt, withQueue } from './support/queueInputs.ts';

describe('fifo_fairness', () => {
  const fifo = (k: number) => 100 + k * 2; // 500 admissions/s, in ticket order

  test('a queue admitted in ticket order passes with 0 inversions, whatever the poll interval', () => {
    const result = fifoFairness(withQueue(simulatedQueue(300, fifo)));
    expect(result).toMatchObject({ verdict: 'pass', counts: { tickets: 300, admitted: 300, inversions: 0 } });
    expect(result.summary).toContain('0 of 300 admission(s) out of ticket order');
  });

  test('a queue admitted in random order fails, counting the inversions and naming the worst', () => {
    const order = Array.from({ length: 300 }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % 300) - ((b * 7919) % 300));
    const slot = new Map(order.map((k, i) => [k, i]));
    const result = fifoFairness(withQueue(simulatedQueue(300, (k) => 100 + slot.get(k)! * 2)));
    expect(result.verdict).toBe('fail');
    expect(result.counts.inversions).toBeGreaterThan(100);
    expect(result.counts.worstGap).toBeGreaterThan(200);
    expect(result.summary).toMatch(/^\d+ of 300 admission\(s\) out of ticket order beyond the tolerance of 0 place\(s\); the worst: ticket #\d+ admitted/);
    expect(result.witnesses.length).toBe(10);
  });

  test('an inversion needs the earlier ticket found waiting by a poll sent after the later one was admitted', () => {
    const queue = [ticketAt(1, 0), ticketAt(5, 1), poll(5, 10, 'admitted', { endTs: 20 }), poll(1, 15, 'waiting', { endTs: 30 })];
    // Ticket 1's poll was sent (15) before ticket 5's admission was answered (20): no certain inversion.
    expect(fifoFairness(withQueue([...queue, poll(2, 30, 'admitted')]))).toMatchObject({ verdict: 'pass', counts: { inversions: 0 } });
    const certain = fifoFairness(withQueue([...queue, poll(1, 25, 'waiting'), poll(2, 30, 'admitted')]));
    expect(certain).toMatchObject({ verdict: 'fail', counts: { inversions: 1, worstGap: 4 } });
    expect(certain.summary).toContain('ticket #5 admitted (answer at 0.020 s) while #1, 4 place(s) earlier, still waited (poll sent at 0.025 s)');
  });

  test('a jump within the tolerance is not an inversion', () => {
    const queue = [poll(5, 10, 'admitted'), poll(1, 25, 'waiting'), poll(2, 0, 'admitted')];
    const input = withQueue(queue);
    input.thresholds.waitingRoom = { fifoTolerance: 4, soldOutNoticeMs: 2000, etaMedianErrorMs: 1000 };
    expect(fifoFairness(input)).toMatchObject({ verdict: 'pass', counts: { inversions: 0, tolerance: 4 } });
    input.thresholds.waitingRoom.fifoTolerance = 3;
    expect(fifoFairness(input)).toMatchObject({ verdict: 'fail', counts: { inversions: 1 } });
  });

  test('products are separate queues', () => {
    const other = { productId: 'p2', ticket: 'o1' };
    expect(fifoFairness(withQueue([poll(5, 10, 'admitted'), poll(1, 25, 'waiting', other), poll(6, 30, 'admitted')])).verdict).toBe('pass');
  });

  test('with fewer than two admissions it is unknown', () => {
    expect(fifoFairness(withQueue([poll(1, 10, 'admitted'), poll(2, 10, 'waiting')])).verdict).toBe('unknown');
    expect(fifoFairness(withQueue([])).verdict).toBe('unknown');
  });
});

describe('no_wait_after_sold_out', () => {
  // The last unit is sold by a request sent at 1000; tickets 1–3 were waiting then.
  const sale = () => [request('u1', 200, { orderId: 'o1', ts: 900, sentTs: 1000 })];
  const waiting = [ticketAt(1, 100), ticketAt(2, 200), ticketAt(3, 300), poll(1, 500, 'waiting'), poll(2, 600, 'waiting'), poll(3, 700, 'waiting')];

  test('every waiting buyer told within the budget passes, with the longest notice', () => {
    const result = noWaitAfterSoldOut(withQueue([...waiting, poll(1, 1100, 'sold_out'), poll(2, 1400, 'sold_out'), poll(3, 1795, 'sold_out')], sale()));
    expect(result).toMatchObject({ verdict: 'pass', counts: { waiting: 3, told: 3, late: 0, maxDelayMs: 800 } });
    expect(result.summary).toContain('All 3 buyer(s) waiting when the stock ran out were told within 2000 ms: max 800 ms');
  });

  test('a buyer told after the budget fails, as does one who waited past it, never told', () => {
    const told = noWaitAfterSoldOut(withQueue([...waiting, poll(1, 1100, 'sold_out'), poll(2, 1400, 'sold_out'), poll(3, 3100, 'sold_out')], sale()));
    expect(told).toMatchObject({ verdict: 'fail', counts: { late: 1, maxDelayMs: 2105 }, witnesses: [expect.objectContaining({ note: expect.stringContaining('ticket #3 told sold out 2105 ms') })] });
    const never = noWaitAfterSoldOut(withQueue([...waiting, poll(1, 1100, 'sold_out'), poll(2, 1400, 'sold_out'), poll(3, 2500, 'waiting'), step(3, { step: 'gave_up', ts: 3500, error: 'patience' })], sale()));
    expect(never).toMatchObject({ verdict: 'fail', counts: { late: 1 } });
  });

  test('an admitted buyer is told by the 409 of its order; one who left within the budget is excused', () => {
    const queue = [...waiting, poll(1, 1100, 'sold_out'), poll(2, 1200, 'admitted'), step(3, { step: 'gave_up', ts: 1500, error: 'patience' })];
    const result = noWaitAfterSoldOut(withQueue(queue, [...sale(), request('w2', 409, { key: 'key-w2', ts: 1300, latencyMs: 10, token: 'admitted', attempt: 2 })]));
    expect(result).toMatchObject({ verdict: 'pass', counts: { told: 2, leftInTime: 1 } });
  });

  test('tickets admitted before the stock ran out are not waiting for it', () => {
    const result = noWaitAfterSoldOut(withQueue([ticketAt(1, 100), poll(1, 500, 'admitted'), ticketAt(2, 200), poll(2, 1100, 'sold_out')], sale()));
    expect(result).toMatchObject({ verdict: 'pass', counts: { waiting: 1, told: 1 } });
  });

  test('a buyer the load stopped following, or a sale that never ran out, is unknown', () => {
    expect(noWaitAfterSoldOut(withQueue([...waiting, poll(1, 1100, 'sold_out'), poll(2, 1400, 'sold_out'), step(3, { step: 'gave_up', ts: 1500, error: 'stopped' })], sale())).verdict).toBe('unknown');
    const unsold = withQueue(waiting, [request('u9', 200, { orderId: 'o9' })]);
    unsold.history = unsold.history.filter((e) => e.error !== 'sold_out');
    unsold.final.products[0]!.dbStock = 1;
    expect(noWaitAfterSoldOut(unsold)).toMatchObject({ verdict: 'unknown', summary: 'No product sold out: nothing to judge.' });
  });
});

describe('eta_accuracy', () => {
  test('an ETA that comes true has no error, whatever the poll interval', () => {
    const result = etaAccuracy(withQueue(simulatedQueue(50, (k) => 100 + k * 20)));
    expect(result).toMatchObject({ verdict: 'pass', counts: { judged: 50, medianErrorMs: 0, p90ErrorMs: 0 } });
    expect(result.summary).toContain('median error 0 ms, p90 0 ms over 50 admitted ticket(s)');
    // The buyer sees it at its next poll's answer: after the time shown, by less than a poll interval.
    expect(result.counts.medianSeenAfterMs).toBeGreaterThan(0);
    expect(result.counts.medianSeenAfterMs).toBeLessThan(410);
  });

  test('admissions twice as slow as shown fail without faults and are unknown with one', () => {
    // Shown (k·20 ms) but admitted at k·40 ms + 3 s: every first ETA is off by seconds.
    const queue = simulatedQueue(50, (k) => 3000 + k * 40).map((e) => (e.etaMs === undefined ? e : { ...e, etaMs: e.etaMs / 4 }));
    const result = etaAccuracy(withQueue(queue));
    expect(result.verdict).toBe('fail');
    expect(result.counts.medianErrorMs).toBeGreaterThan(1000);
    expect(result.counts.admittedLate).toBe(50);
    expect(result.witnesses).toHaveLength(10);
    const faulty = withQueue(queue);
    faulty.faults = [{ id: 'f', kind: 'latency', target: 'api-redis', label: 'latency', injectedAt: 1, healedAt: 2 }];
    expect(etaAccuracy(faulty).verdict).toBe('unknown');
  });

  test('fewer than 10 admitted tickets with an ETA is unknown', () => {
    expect(etaAccuracy(withQueue(simulatedQueue(9, (k) => 100 + k * 20))).verdict).toBe('unknown');
  });
});

describe('admission_tokens', () => {
  const spoiled = (kind: 'forged' | 'expired' | 'replayed', status: number, error: string) =>
    request(`bad-${kind}`, status, { token: kind, ticket: 't1', key: `key-bad-${kind}`, ...(status === 200 ? { orderId: `o-${kind}` } : { error }) });
  const refusedByName = () => [spoiled('forged', 403, 'token_forged'), spoiled('expired', 403, 'token_expired'), spoiled('replayed', 409, 'token_replayed'), request('w1', 200, { orderId: 'o9', token: 'admitted', ticket: 't1' })];

  test('every spoiled token refused by the code naming it passes', () => {
    const result = admissionTokens(withQueue([], refusedByName()));
    expect(result).toMatchObject({ verdict: 'pass', counts: { spoiled: 3, through: 0, forged: 1, expired: 1, replayed: 1, withToken: 1, withTokenAccepted: 1 } });
  });

  test('a spoiled token answered 200, or an order of its buyer in PostgreSQL, fails', () => {
    const accepted = withQueue([], [...refusedByName(), spoiled('forged', 200, '')]);
    expect(admissionTokens(accepted)).toMatchObject({ verdict: 'fail', counts: { through: 1 } });
    const stored = withQueue([], refusedByName());
    stored.final.orders.push(order('o-x', 'bad-replayed', 9));
    expect(admissionTokens(stored)).toMatchObject({ verdict: 'fail', counts: { through: 1 }, witnesses: [expect.objectContaining({ userId: 'bad-replayed', orderId: 'o-x' })] });
  });

  test('a kind never refused by its own code, an unanswered one, or none sent, is unknown', () => {
    const soldOut = withQueue([], [spoiled('forged', 403, 'token_forged'), spoiled('expired', 409, 'sold_out')]);
    expect(admissionTokens(soldOut)).toMatchObject({ verdict: 'unknown', summary: expect.stringContaining('1 kind(s) were never refused by their own code') });
    expect(admissionTokens(withQueue([], [...refusedByName(), spoiled('forged', 0, 'timeout')])).verdict).toBe('unknown');
    expect(admissionTokens(withQueue([])).verdict).toBe('unknown');
  });
});
