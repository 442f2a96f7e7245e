import type { FaultRecord, FinalOrder, HistoryEntry, RecordEntry } from '@flux-gate/run-format';
import { describe, expect, test } from 'vitest';
import {
  conservation,
  defaultInvariants,
  noDuplicates,
  noLostOrders,
  noOversell,
  noRefusedButConfirmed,
  recordsStored,
  runCheckers,
  soldOutWhenDemandExceedsStock,
  thresholds,
  unknownOutcomes,
  type CheckInput,
} from '../src/checkers/index.ts';

let clock = 0;
const request = (userId: string, status: number, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({
  ts: ++clock,
  latencyMs: 5,
  userId,
  productId: 'p1',
  key: `key-${userId}`,
  status,
  outcome: status === 200 ? 'ok' : status === 0 ? 'unknown' : 'fail',
  attempt: 1,
  ...(status === 409 ? { error: 'sold_out' } : status === 0 ? { error: 'timeout' } : {}),
  ...fields,
});
const order = (orderId: string, userId: string, offset: number, status: FinalOrder['status'] = 'confirmed'): FinalOrder => ({
  orderId,
  userId,
  productId: 'p1',
  status,
  reason: status === 'rejected' ? 'sold_out' : null,
  kafkaPartition: 0,
  kafkaOffset: String(offset),
});
const fault: FaultRecord = { id: 'kill-worker', kind: 'kill', target: 'worker', label: 'kill worker', injectedAt: 1, healedAt: 2 };

/** Product p1 with 3 units; u1–u3 buy them, u4 and u5 are told sold out. */
function clean(): CheckInput {
  return {
    history: [
      request('u1', 200, { orderId: 'o1' }),
      request('u2', 200, { orderId: 'o2' }),
      request('u3', 200, { orderId: 'o3' }),
      request('u4', 409),
      request('u5', 409),
    ],
    dropped: 0,
    records: [],
    thresholds: { errorRate: 0, p99Ms: 1000, dropped: 0 },
    faults: [],
    final: {
      readAt: 100,
      products: [{ productId: 'p1', initialStock: 3, redisStock: 0, dbStock: 0, dbConfirmed: 3, dbRejected: 0 }],
      orders: [order('o1', 'u1', 0), order('o2', 'u2', 1), order('o3', 'u3', 2)],
      kafkaMessages: 3,
      kafkaLag: 0,
      drained: true,
    },
    initialStock: { p1: 3 },
    perUserLimit: 1,
  };
}
const variant = (change: (input: CheckInput) => void): CheckInput => {
  const input = structuredClone(clean());
  change(input);
  return input;
};
const product = (input: CheckInput) => input.final.products[0]!;

test('a clean run passes every checker meant for buyers over HTTP', () => {
  const { verdict, checks } = runCheckers(clean(), defaultInvariants.http);
  expect(checks.map((c) => [c.name, c.verdict])).toEqual([
    ['no_oversell', 'pass'],
    ['no_lost_orders', 'pass'],
    ['no_duplicates', 'pass'],
    ['no_refused_but_confirmed', 'pass'],
    ['conservation', 'pass'],
    ['sold_out_when_demand_exceeds_stock', 'pass'],
    ['unknown_outcomes', 'pass'],
    ['thresholds', 'pass'],
  ]);
  expect(verdict).toBe('pass');
});

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

  test('a user with two confirmed units of one product fails, unless the limit allows two', () => {
    const twice = variant((i) => i.final.orders.push(order('o9', 'u1', 9)));
    const result = noDuplicates(twice);
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ usersOverLimit: 1, extraUnits: 1 });
    expect(result.witnesses.map((w) => w.orderId)).toEqual(['o1', 'o9']);
    expect(noDuplicates({ ...twice, perUserLimit: 2 }).verdict).toBe('pass');
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

describe('runCheckers', () => {
  test('any fail makes the run fail; an unknown alone makes it unknown', () => {
    expect(runCheckers(variant((i) => i.final.orders.push(order('o4', 'u4', 3)))).verdict).toBe('fail');
    expect(runCheckers(variant((i) => (product(i).redisStock = null))).verdict).toBe('unknown');
  });

  test('runs only the named checkers', () => {
    const { checks, verdict } = runCheckers(variant((i) => (product(i).redisStock = null)), ['no_oversell', 'no_duplicates']);
    expect(checks.map((c) => c.name)).toEqual(['no_oversell', 'no_duplicates']);
    expect(verdict).toBe('pass');
  });
});

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

describe('a checker that throws', () => {
  test('answers unknown with its error, and the others still answer', () => {
    const input = variant((i) => ((i.final as { orders: unknown }).orders = null as unknown as FinalOrder[]));
    const { checks } = runCheckers(input, ['no_lost_orders', 'thresholds']);
    expect(checks[0]).toMatchObject({ name: 'no_lost_orders', verdict: 'unknown', summary: expect.stringMatching(/^the checker failed: /) });
    expect(checks[1]).toMatchObject({ name: 'thresholds', verdict: 'pass' });
  });
});
