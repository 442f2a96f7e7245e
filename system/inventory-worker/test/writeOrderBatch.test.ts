import { randomUUID } from 'node:crypto';
import { localProvider, type StartedStack } from '@flux-gate/harness';
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

  const order = (productId: string, offset: number): PendingOrder => ({
    orderId: randomUUID(),
    userId: `user-${offset}`,
    productId,
    partition: 0,
    offset: String(offset),
    acceptedAt: new Date().toISOString(),
  });

  it('ranks only the orders not stored yet against the stock left', async () => {
    const p = `mixed-${randomUUID().slice(0, 8)}`;
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 2 });
    const [a, b, c] = [order(p, 1), order(p, 2), order(p, 3)];

    expect(await writeOrderBatch(db, [a], { idempotent: true })).toMatchObject({ inserted: 1, confirmed: 1 });
    // a redelivered with two new orders: a is left out, so b takes the last unit and only c is refused.
    expect(await writeOrderBatch(db, [a, b, c], { idempotent: true })).toMatchObject({ inserted: 2, confirmed: 1, rejected: 1 });
    expect(await writeOrderBatch(db, [a, b, c], { idempotent: true })).toMatchObject({ inserted: 0, confirmed: 0, rejected: 0 });

    const rows = (await db.query(`SELECT order_id, status, reason FROM orders WHERE product_id = $1 ORDER BY kafka_offset`, [p])).rows;
    expect(rows).toEqual([
      { order_id: a.orderId, status: 'confirmed', reason: null },
      { order_id: b.orderId, status: 'confirmed', reason: null },
      { order_id: c.orderId, status: 'rejected', reason: 'out_of_stock' },
    ]);
    expect((await db.query(`SELECT stock FROM products WHERE product_id = $1`, [p])).rows[0]).toEqual({ stock: 0 });
  });
});
