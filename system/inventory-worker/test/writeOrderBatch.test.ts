import { randomUUID } from 'node:crypto';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/index.ts';
import type { PendingOrder } from '../src/PendingOrder.ts';
import { writeOrderBatch } from '../src/writeOrderBatch.ts';
import { seedProducts } from './seedProducts.ts';

describe('writeOrderBatch', () => {
  let stack: StartedStack;
  let db: pg.Pool;

  beforeAll(async () => {
    stack = await localProvider.start({ log: () => {} });
    db = new pg.Pool({ connectionString: stack.endpoints.postgresUrl, max: 2 });
    db.on('error', () => {}); // its idle connections are cut when the stack stops
    await migrate(db);
  });
  afterAll(async () => {
    await db?.end();
    await stack?.stop();
  });

  const order = (productId: string, offset: number, fields: Partial<PendingOrder> = {}): PendingOrder => {
    const o = { orderId: randomUUID(), userId: `user-${offset}`, productId, partition: 0, offset: String(offset), line: 0, acceptedAt: new Date().toISOString(), ...fields };
    return { ...o, raw: JSON.stringify({ orderId: o.orderId, userId: o.userId, productId: o.productId, quantity: 1, acceptedAt: o.acceptedAt }) };
  };
  const write = (orders: PendingOrder[]) => writeOrderBatch(db, { orders, deadLetters: [] }, { idempotent: true });
  const lettersAt = async (partition: number) =>
    (await db.query(`SELECT kafka_offset, line, reason, order_id, user_id, product_id FROM dead_letters WHERE kafka_partition = $1 ORDER BY kafka_offset, line`, [partition])).rows;

  it('ranks only the orders not stored yet against the stock left', async () => {
    const p = `mixed-${randomUUID().slice(0, 8)}`;
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 2 });
    const [a, b, c] = [order(p, 1), order(p, 2), order(p, 3)];

    expect(await write([a])).toMatchObject({ inserted: 1, confirmed: 1 });
    // a redelivered with two new orders: a is left out, so b takes the last unit and only c is refused.
    expect(await write([a, b, c])).toMatchObject({ inserted: 2, confirmed: 1, rejected: 1, deadLetters: [] });
    expect(await write([a, b, c])).toMatchObject({ inserted: 0, confirmed: 0, rejected: 0, deadLetters: [] });

    const rows = (await db.query(`SELECT order_id, status, reason FROM orders WHERE product_id = $1 ORDER BY kafka_offset`, [p])).rows;
    expect(rows).toEqual([
      { order_id: a.orderId, status: 'confirmed', reason: null },
      { order_id: b.orderId, status: 'confirmed', reason: null },
      { order_id: c.orderId, status: 'rejected', reason: 'out_of_stock' },
    ]);
    expect((await db.query(`SELECT stock FROM products WHERE product_id = $1`, [p])).rows[0]).toEqual({ stock: 0 });
  });

  it('sets aside an order id owned by another order, and an unknown product, once each', async () => {
    const p = `owned-${randomUUID().slice(0, 8)}`;
    const q = `other-${randomUUID().slice(0, 8)}`;
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 10, [q]: 10 });
    const partition = 1000 + Math.floor(Math.random() * 1_000_000);
    const at = (offset: number, fields: Partial<PendingOrder> = {}) => order(p, offset, { partition, ...fields });
    const stored = at(1);
    expect(await write([stored])).toMatchObject({ inserted: 1, deadLetters: [] });

    const batch = [
      at(2, { orderId: stored.orderId, userId: 'someone-else' }), // stored for another user
      at(3, { orderId: stored.orderId, userId: stored.userId }), // the stored order again: a redelivery
      at(4, { orderId: stored.orderId, userId: stored.userId, productId: q }), // stored for another product
      at(5),
      at(6),
    ];
    const fresh = batch[3]!;
    batch.push(at(7, { orderId: fresh.orderId, userId: 'a-second-user' })); // new in this batch, earlier for another user
    batch.push(at(8, { orderId: fresh.orderId, userId: fresh.userId })); // the same order twice in one batch
    batch.push(at(9, { productId: `ghost-${randomUUID().slice(0, 8)}` }));

    const first = await write(batch);
    expect(first).toMatchObject({ inserted: 2, confirmed: 2 });
    const expected = [
      { kafka_offset: '2', line: 0, reason: 'duplicate_order_id', order_id: stored.orderId, user_id: 'someone-else', product_id: p },
      { kafka_offset: '4', line: 0, reason: 'duplicate_order_id', order_id: stored.orderId, user_id: stored.userId, product_id: q },
      { kafka_offset: '7', line: 0, reason: 'duplicate_order_id', order_id: fresh.orderId, user_id: 'a-second-user', product_id: p },
      { kafka_offset: '9', line: 0, reason: 'unknown_product', order_id: batch[7]!.orderId, user_id: batch[7]!.userId, product_id: batch[7]!.productId },
    ];
    expect(await lettersAt(partition)).toEqual(expected);
    expect(first.deadLetters.map((l) => [l.offset, l.reason]).sort()).toEqual(expected.map((l) => [l.kafka_offset, l.reason]).sort());

    // Redelivered, whole or from the middle: the same records are set aside again, and stored once.
    expect((await write(batch)).deadLetters).toHaveLength(4);
    expect((await write(batch.slice(5))).deadLetters.map((l) => [l.offset, l.reason])).toEqual([
      ['9', 'unknown_product'],
      ['7', 'duplicate_order_id'],
    ]);
    expect(await lettersAt(partition)).toEqual(expected);
    const owners = (await db.query(`SELECT order_id, user_id, product_id FROM orders WHERE order_id = ANY($1::uuid[]) ORDER BY kafka_offset`, [[stored.orderId, fresh.orderId]])).rows;
    expect(owners).toEqual([
      { order_id: stored.orderId, user_id: stored.userId, product_id: p },
      { order_id: fresh.orderId, user_id: fresh.userId, product_id: p },
    ]);
    expect((await db.query(`SELECT stock FROM products WHERE product_id = $1`, [p])).rows[0]).toEqual({ stock: 7 });
  });
});
