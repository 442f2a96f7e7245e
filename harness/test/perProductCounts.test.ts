import type { FinalOrder, HistoryEntry } from '@flux-gate/run-format';
import { describe, expect, test } from 'vitest';
import { runCheckers, type CheckInput } from '../src/checkers/index.ts';
import { defaultInvariants } from '../src/checkers/runCheckers.ts';

/** A sale of 50 products of 2 units each; on each, two buyers buy and a third is told sold out. */
function manyProducts(): CheckInput {
  const history: HistoryEntry[] = [];
  const orders: FinalOrder[] = [];
  const products: CheckInput['final']['products'] = [];
  const initialStock: Record<string, number> = {};
  let ts = 0;
  for (let i = 1; i <= 50; i++) {
    const productId = `sku-${i}`;
    initialStock[productId] = 2;
    products.push({ productId, initialStock: 2, redisStock: 0, dbStock: 0, dbConfirmed: 2, dbRejected: 0, pendingOrders: 0 });
    for (const b of [1, 2, 3]) {
      const userId = `u${i}-${b}`;
      const sold = b < 3;
      history.push({ ts: ++ts, latencyMs: 5, userId, productId, key: `k-${userId}`, status: sold ? 200 : 409, outcome: sold ? 'ok' : 'fail', attempt: 1, ...(sold ? { orderId: `o-${userId}` } : { error: 'sold_out' }) });
      if (sold) orders.push({ orderId: `o-${userId}`, userId, productId, status: 'confirmed', reason: null, kafkaPartition: i % 12, kafkaOffset: String(ts) });
    }
  }
  return { history, dropped: 0, records: [], thresholds: { errorRate: 0.5, p99Ms: 1000, dropped: 0 }, faults: [], final: { readAt: ts, products, orders, kafkaMessages: orders.length, kafkaLag: 0, drained: true }, initialStock, perUserLimit: 1 };
}

const row = (input: CheckInput, productId: string) => input.final.products.find((p) => p.productId === productId)!;
const check = (input: CheckInput, name: string) => runCheckers(input, defaultInvariants.http).checks.find((c) => c.name === name)!;

describe('checkers answer per product', () => {
  test('a clean sale of 50 products names no product', () => {
    const { verdict, checks } = runCheckers(manyProducts(), defaultInvariants.http);
    expect(verdict).toBe('pass');
    for (const c of checks) expect(c.byProduct, c.name).toBeUndefined();
  });

  test('each planted fault is counted against its own product only', () => {
    const input = manyProducts();
    // sku-7: a third unit confirmed for a buyer told sold out (oversold, refused but confirmed).
    input.final.orders.push({ orderId: 'o-extra', userId: 'u7-3', productId: 'sku-7', status: 'confirmed', reason: null, kafkaPartition: 7, kafkaOffset: '999' });
    row(input, 'sku-7').dbConfirmed = 3;
    row(input, 'sku-7').dbStock = -1;
    // sku-13: one of its accepted orders never reached PostgreSQL (lost, a broken promise); its unit is back in Redis.
    input.final.orders = input.final.orders.filter((o) => o.orderId !== 'o-u13-1');
    Object.assign(row(input, 'sku-13'), { dbConfirmed: 1, dbStock: 1, redisStock: 1 });
    // sku-21: Redis holds a unit too few (leaked, nothing open to explain it).
    Object.assign(row(input, 'sku-21'), { initialStock: 3, dbStock: 1 });
    input.initialStock['sku-21'] = 3;
    // sku-30: two requests timed out and no retry resolved them.
    input.history.push(
      { ts: 1e6, latencyMs: 3000, userId: 'u30-4', productId: 'sku-30', key: 'k-u30-4', status: 0, outcome: 'unknown', attempt: 1, error: 'timeout' },
      { ts: 1e6 + 1, latencyMs: 3000, userId: 'u30-5', productId: 'sku-30', key: 'k-u30-5', status: 0, outcome: 'unknown', attempt: 1, error: 'timeout' },
    );

    expect(check(input, 'no_oversell').byProduct).toEqual({ 'sku-7': { oversoldUnits: 1, negativeDbStock: 1 } });
    expect(check(input, 'no_refused_but_confirmed').byProduct).toEqual({ 'sku-7': { refusedButConfirmed: 1 } });
    expect(check(input, 'no_lost_orders').byProduct).toEqual({ 'sku-13': { missing: 1 } });
    expect(check(input, 'no_broken_promises').byProduct).toEqual({ 'sku-13': { brokenPromises: 1 } });
    expect(check(input, 'conservation').byProduct).toEqual({
      'sku-7': { phantomUnits: 1 },
      'sku-21': { leakedUnits: 1, unexplainedLeaks: 1 },
    });
    expect(check(input, 'unknown_outcomes').byProduct).toEqual({ 'sku-30': { unknown: 2, unresolvedKeys: 2 } });
    expect(check(input, 'thresholds').byProduct).toEqual({ 'sku-30': { errors: 2 } });
    // sku-13 had three buyers for two units and sold one: the unit left is counted against it (sku-21's three units had three buyers, not more).
    expect(check(input, 'sold_out_when_demand_exceeds_stock').byProduct).toEqual({ 'sku-13': { unsoldUnits: 1 } });
  });

  test('per-user limit and duplicates name the product of the offending rows', () => {
    const input = manyProducts();
    input.final.orders.push({ orderId: 'o-u42-1', userId: 'u42-1', productId: 'sku-42', status: 'confirmed', reason: null, kafkaPartition: 6, kafkaOffset: '1000' });
    input.final.orders.push({ orderId: 'o-again', userId: 'u42-1', productId: 'sku-42', status: 'confirmed', reason: null, kafkaPartition: 6, kafkaOffset: '1001' });
    expect(check(input, 'no_duplicates').byProduct).toEqual({ 'sku-42': { duplicateOrderIds: 1 } });
    expect(check(input, 'per_user_limit').byProduct).toEqual({ 'sku-42': { usersOverLimit: 1, extraUnits: 2 } });
    expect(check(input, 'one_order_per_key').byProduct).toEqual({ 'sku-42': { extraOrders: 2 } });
  });
});
