import { describe, expect, test } from 'vitest';
import { conservation, noOversell, soldOutWhenDemandExceedsStock, type CheckInput } from '../src/checkers/index.ts';
import { request, order, fault, variant, product } from './support/checkInputs.ts';

describe('no_oversell', () => {
  test('a fourth confirmed order of three units fails, with the surplus order as witness', () => {
    const result = noOversell(variant((i) => i.final.orders.push(order('o4', 'u4', 3))));
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ confirmed: 4, oversoldUnits: 1, oversoldProducts: 1 });
    expect(result.witnesses).toEqual([expect.objectContaining({ orderId: 'o4', userId: 'u4', kafkaOffset: '0:3', dbRow: 'orders(confirmed)' })]);
  });

  test('more buyers answered 200 than units exist fails, even when PostgreSQL rejected the surplus', () => {
    const result = noOversell(variant((i) => i.history.push(request('u4', 200, { orderId: 'o4' }))));
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ confirmed: 3, oversoldUnits: 0, overpromisedUnits: 1 });
    expect(result.witnesses).toEqual([expect.objectContaining({ orderId: 'o4', http: '200 accepted' })]);
  });

  test('PostgreSQL stock below zero fails', () => {
    const result = noOversell(variant((i) => (product(i).dbStock = -1)));
    expect(result.verdict).toBe('fail');
    expect(result.counts.negativeDbStock).toBe(1);
  });

  test('only the units beyond the stock are surplus, and witnesses stop at ten', () => {
    const result = noOversell(
      variant((i) => {
        for (let n = 4; n <= 18; n++) i.final.orders.push(order(`o${n}`, `u${n}`, n));
      }),
    );
    expect(result.counts.oversoldUnits).toBe(15);
    expect(result.witnesses).toHaveLength(10);
    expect(result.witnesses[0]?.orderId).toBe('o4');
  });
});

describe('conservation', () => {
  /** Four units, three sold, none left in Redis: one leaked. */
  const leak = (i: CheckInput) => {
    i.initialStock.p1 = 4;
    product(i).initialStock = 4;
    product(i).dbStock = 1;
  };

  test('a leaked unit with no unknown request to explain it fails', () => {
    const result = conservation(variant(leak));
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ leakedUnits: 1, unexplainedLeaks: 1 });
    expect(result.witnesses[0]?.note).toMatch(/initial 4 = confirmed 3 \+ Redis 0 \+ 1 leaked/);
  });

  test('a leak after a drain that left nothing open fails, though requests went unanswered: their retries resolved every key', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        i.history.push(request('u6', 0), request('u6', 409, { attempt: 2 }), request('u7', 503, { outcome: 'unknown', error: 'unavailable_order_open', orderId: 'o7' }), request('u7', 200, { orderId: 'o7', attempt: 2 }));
        product(i).pendingOrders = 0;
      }),
    );
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ leakedUnits: 1, unexplainedLeaks: 1, unresolvedKeys: 0, pendingOrders: 0, kafkaLag: 0 });
    expect(result.summary).toMatch(/1 unit\(s\) leaked beyond what is still open \(nothing \(drain finished, every key resolved/);
  });

  test('a leak no larger than the keys no retry resolved is unknown, and the summary names them', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        i.history.push(request('u6', 0), request('u6', 0, { attempt: 2 }));
      }),
    );
    expect(result.verdict).toBe('unknown');
    expect(result.counts.unresolvedKeys).toBe(1);
    expect(result.summary).toBe('1 unit(s) are neither sold nor back on sale, no more than what is still open may hold: 1 key(s) no retry resolved.');
  });

  test('a leak larger than everything still open fails', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        i.initialStock.p1 = 5;
        product(i).initialStock = 5;
        product(i).dbStock = 2;
        i.history.push(request('u6', 0));
      }),
    );
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ leakedUnits: 2, unexplainedLeaks: 2, unresolvedKeys: 1 });
    expect(result.summary).toMatch(/beyond what is still open \(1 key\(s\) no retry resolved\)/);
  });

  test('a leak in a run that did not drain is unknown', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        i.final.drained = false;
      }),
    );
    expect(result.verdict).toBe('unknown');
    expect(result.summary).toMatch(/still open may hold: the drain unfinished\.$/);
  });

  test('a leak no larger than the orders still in flight in Redis is unknown', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        product(i).pendingOrders = 1;
      }),
    );
    expect(result.verdict).toBe('unknown');
    expect(result.summary).toMatch(/still open may hold: 1 order\(s\) still in flight in Redis\.$/);
  });

  test('a leak no larger than the Kafka lag is unknown', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        i.final.kafkaLag = 2;
      }),
    );
    expect(result.verdict).toBe('unknown');
    expect(result.summary).toMatch(/still open may hold: Kafka lag 2\.$/);
  });

  test('a unit back in Redis as well as sold is phantom, and fails', () => {
    const result = conservation(variant((i) => (product(i).redisStock = 1)));
    expect(result.verdict).toBe('fail');
    expect(result.counts.phantomUnits).toBe(1);
  });

  test('once Redis was rebuilt from PostgreSQL, Redis is held to PostgreSQL\'s stock', () => {
    const rebuilt = conservation(variant((i) => Object.assign(product(i), { redisStock: 1, dbStock: 1, redisRebuilds: 1 })));
    expect(rebuilt.verdict).toBe('fail');
    expect(rebuilt.counts).toMatchObject({ rebuiltProducts: 1, phantomUnits: 0, dbDrift: 1 });
    const agrees = conservation(variant((i) => Object.assign(product(i), { redisStock: 0, redisRebuilds: 2 })));
    expect(agrees).toMatchObject({ verdict: 'pass', counts: { rebuiltProducts: 1 } });
    const phantom = conservation(variant((i) => Object.assign(product(i), { redisStock: 2, redisRebuilds: 1 })));
    expect(phantom.counts.phantomUnits).toBe(2);
    expect(phantom.witnesses.at(-1)?.note).toMatch(/PostgreSQL stock 0 \(Redis rebuilt from it 1×\) = Redis 2 − 2 phantom/);
  });

  test('PostgreSQL stock that disagrees with its confirmed orders fails', () => {
    const result = conservation(variant((i) => (product(i).dbStock = 1)));
    expect(result.verdict).toBe('fail');
    expect(result.counts.dbDrift).toBe(1);
  });

  test('a missing Redis key is unknown, with a clear summary', () => {
    const result = conservation(variant((i) => (product(i).redisStock = null)));
    expect(result.verdict).toBe('unknown');
    expect(result.summary).toMatch(/no stock key in Redis/);
  });
});

describe('sold_out_when_demand_exceeds_stock', () => {
  /** Four units, five buyers, three sold and one still in Redis: unsold while buyers were turned away. */
  const unsold = (i: CheckInput) => {
    i.initialStock.p1 = 4;
    Object.assign(product(i), { initialStock: 4, redisStock: 1, dbStock: 1 });
  };

  test('unsold stock with more buyers than units fails in a run without faults', () => {
    const input = variant(unsold);
    expect(conservation(input).verdict).toBe('pass');
    const result = soldOutWhenDemandExceedsStock(input);
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ contested: 1, undersoldProducts: 1, unsoldUnits: 1 });
    expect(result.witnesses).toContainEqual(expect.objectContaining({ userId: 'u5', http: '409 sold_out' }));
  });

  test('the same shortfall with a fault recorded is unknown', () => {
    const result = soldOutWhenDemandExceedsStock(
      variant((i) => {
        unsold(i);
        i.faults.push(fault);
      }),
    );
    expect(result.verdict).toBe('unknown');
  });

  test('with fewer buyers than units nothing has to sell out', () => {
    const result = soldOutWhenDemandExceedsStock(
      variant((i) => {
        unsold(i);
        i.history = i.history.slice(0, 3);
      }),
    );
    expect(result.verdict).toBe('pass');
    expect(result.counts.contested).toBe(0);
  });

  test('buyers who never got an answer are not demand', () => {
    const result = soldOutWhenDemandExceedsStock(
      variant((i) => {
        unsold(i);
        i.history[4] = request('u5', 0);
      }),
    );
    expect(result.verdict).toBe('pass');
  });
});
