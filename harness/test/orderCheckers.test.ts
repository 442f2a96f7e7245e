import { describe, expect, test } from 'vitest';
import { noDuplicates, noLostOrders, noRefusedButConfirmed, unknownOutcomes, type CheckInput } from '../src/checkers/index.ts';
import { request, order, fault, variant } from './support/checkInputs.ts';

describe('no_refused_but_confirmed', () => {
  test('a confirmed order of a buyer who was only told 503 fails, naming the answers', () => {
    const result = noRefusedButConfirmed(
      variant((i) => {
        i.history.push(request('u6', 503, { error: 'unavailable' }));
        i.final.orders.push(order('o6', 'u6', 3));
      }),
    );
    expect(result.verdict).toBe('fail');
    expect(result.counts.refusedButConfirmed).toBe(1);
    expect(result.witnesses[0]).toMatchObject({ orderId: 'o6', userId: 'u6', http: '503 unavailable' });
  });

  test('an open outcome (no answer) may end confirmed', () => {
    const result = noRefusedButConfirmed(
      variant((i) => {
        i.history.push(request('u6', 503, { error: 'unavailable' }), request('u6', 0));
        i.final.orders.push(order('o6', 'u6', 3));
      }),
    );
    expect(result.verdict).toBe('pass');
  });
});

describe('no_lost_orders', () => {
  const lost = (i: CheckInput) => i.history.push(request('u6', 200, { orderId: 'o6' }));

  test('a 200 with no row fails once drained', () => {
    const result = noLostOrders(variant(lost));
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ accepted: 4, missing: 1 });
    expect(result.witnesses[0]).toMatchObject({ orderId: 'o6', userId: 'u6', http: '200 accepted' });
  });

  test('the witness says where a lost order was lost, from the orders topic read straight from Kafka', () => {
    const neverSent = noLostOrders(variant((i) => (lost(i), (i.final.kafkaOrders = { o1: '0:0', o2: '0:1', o3: '0:2' }))));
    expect(neverSent.counts.missingFromKafka).toBe(1);
    expect(neverSent.witnesses[0]?.note).toMatch(/never reached Kafka/);
    const dropped = noLostOrders(variant((i) => (lost(i), (i.final.kafkaOrders = { o1: '0:0', o2: '0:1', o3: '0:2', o6: '1:7' }))));
    expect(dropped.counts.missingFromKafka).toBe(0);
    expect(dropped.witnesses[0]).toMatchObject({ orderId: 'o6', kafkaOffset: '1:7', note: expect.stringMatching(/between Kafka and PostgreSQL/) });
  });

  test('a 200 with no row is unknown while the worker has not drained', () => {
    const result = noLostOrders(
      variant((i) => {
        lost(i);
        i.final.drained = false;
      }),
    );
    expect(result.verdict).toBe('unknown');
  });

  test('a 200 whose row was rejected is recorded, and counted', () => {
    const result = noLostOrders(variant((i) => (i.final.orders[2] = order('o3', 'u3', 2, 'rejected'))));
    expect(result.verdict).toBe('pass');
    expect(result.counts.acceptedButRejected).toBe(1);
    expect(result.witnesses[0]).toMatchObject({ orderId: 'o3', http: '200 accepted', dbRow: 'orders(rejected, sold_out)' });
  });

  test('a retry that replays the same order id is one order', () => {
    const result = noLostOrders(variant((i) => i.history.push(request('u1', 200, { orderId: 'o1', attempt: 2 }))));
    expect(result.counts.accepted).toBe(3);
  });
});

describe('no_duplicates', () => {
  test('an order id with two rows fails, with both rows as witnesses', () => {
    const result = noDuplicates(variant((i) => i.final.orders.push(order('o2', 'u2', 7, 'rejected'))));
    expect(result.verdict).toBe('fail');
    expect(result.counts.duplicateOrderIds).toBe(1);
    expect(result.witnesses.map((w) => [w.orderId, w.kafkaOffset])).toEqual([
      ['o2', '0:1'],
      ['o2', '0:7'],
    ]);
  });
});

describe('unknown_outcomes', () => {
  const timedOut = (i: CheckInput) => i.history.push(request('u6', 0));

  test('one unknown outcome without faults is over the default budget of 0: unknown, never fail', () => {
    const result = unknownOutcomes(variant(timedOut));
    expect(result.verdict).toBe('unknown');
    expect(result.counts).toMatchObject({ requests: 6, unknown: 1, unresolvedKeys: 1, allowed: 0 });
    expect(result.witnesses).toEqual([{ userId: 'u6', productId: 'p1', http: 'no answer (timeout)' }]);
  });

  test('a budget as a fraction or as a count lets it pass', () => {
    expect(unknownOutcomes({ ...variant(timedOut), unknownBudget: 0.2 }).verdict).toBe('pass');
    expect(unknownOutcomes({ ...variant(timedOut), unknownBudget: 2 }).verdict).toBe('pass');
  });

  test('with faults the default budget is 5% of requests', () => {
    const input = variant((i) => {
      timedOut(i);
      i.faults.push(fault);
      for (let n = 0; n < 14; n++) i.history.push(request(`v${n}`, 409));
    });
    expect(unknownOutcomes(input)).toMatchObject({ verdict: 'pass', counts: { requests: 20, allowed: 1 } });
    input.history.push(request('u7', 0));
    expect(unknownOutcomes(input).verdict).toBe('unknown');
  });

  test('a timeout later resolved by a retry with the same key is counted but resolved', () => {
    const result = unknownOutcomes(variant((i) => i.history.unshift(request('u1', 0))));
    expect(result.counts).toMatchObject({ unknown: 1, unresolvedKeys: 0 });
  });
});
