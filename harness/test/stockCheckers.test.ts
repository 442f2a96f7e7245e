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

  test('a leak no larger than the unknown requests is unknown', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        i.history.push(request('u6', 0));
      }),
    );
    expect(result.verdict).toBe('unknown');
  });

  test('a leak in a run that did not drain is unknown', () => {
    const result = conservation(
      variant((i) => {
        leak(i);
        i.final.drained = false;
      }),
    );
    expect(result.verdict).toBe('unknown');
  });

  test('a unit back in Redis as well as sold is phantom, and fails', () => {
    const result = conservation(variant((i) => (product(i).redisStock = 1)));
    expect(result.verdict).toBe('fail');
    expect(result.counts.phantomUnits).toBe(1);
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
