import type pg from 'pg';
import { deadLetter, type DeadLetter } from './DeadLetter.ts';
import { insertDeadLetters } from './insertDeadLetters.ts';
import { orderBatchSql } from './orderBatchSql.ts';
import type { DecodedBatch } from './toPendingOrders.ts';

export interface BatchResult {
  inserted: number;
  confirmed: number;
  rejected: number;
  /** Every record of the batch set aside (the decoder's and PostgreSQL's), redeliveries included. */
  deadLetters: DeadLetter[];
}

const lockProducts = `SELECT product_id FROM products WHERE product_id = ANY($1::text[]) ORDER BY product_id FOR UPDATE`;

interface OrderBatchRow {
  inserted: number;
  confirmed: number;
  products_taken: number;
  products_updated: number;
  stored_conflicts: number[];
  batch_conflicts: number[];
}

/**
 * Writes a decoded batch in one transaction: locks the batch's products, sets aside the orders of
 * products PostgreSQL does not know, runs the set-based statement (which sets aside an order id
 * owned by another user or product), and writes every dead letter of the batch. Throws, and rolls
 * back, when the stock guard refuses an update; that would be a bug, never an oversell.
 */
export async function writeOrderBatch(pool: pg.Pool, batch: DecodedBatch, options: { idempotent: boolean }): Promise<BatchResult> {
  const client = await pool.connect();
  // A link cut mid-transaction surfaces as this batch's rejected query; without a listener the
  // client's 'error' event would also kill the process.
  const ignore = () => {};
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    const wanted = [...new Set(batch.orders.map((o) => o.productId))];
    const known = new Set((await client.query<{ product_id: string }>(lockProducts, [wanted])).rows.map((r) => r.product_id));
    const deadLetters = [...batch.deadLetters];
    const writable = batch.orders.filter((o) => {
      if (known.has(o.productId)) return true;
      deadLetters.push(deadLetter(o, 'unknown_product', `no product ${o.productId} in PostgreSQL`, o.raw, o));
      return false;
    });
    const result = { inserted: 0, confirmed: 0 };
    if (writable.length > 0) {
      const { rows } = await client.query<OrderBatchRow>(orderBatchSql(options), [
        writable.map((o) => o.orderId),
        writable.map((o) => o.userId),
        writable.map((o) => o.productId),
        writable.map((o) => o.partition),
        writable.map((o) => o.offset),
        writable.map((o) => o.acceptedAt),
      ]);
      const row = rows[0]!;
      if (row.products_updated !== row.products_taken) {
        throw new Error(`stock guard refused ${row.products_taken - row.products_updated} product update(s); batch rolled back`);
      }
      const duplicate = (n: number, detail: string) => {
        const o = writable[n - 1]!;
        deadLetters.push(deadLetter(o, 'duplicate_order_id', detail, o.raw, o));
      };
      for (const n of row.stored_conflicts) duplicate(n, 'order id already stored for another user or product');
      for (const n of row.batch_conflicts) duplicate(n, 'order id already used earlier in the batch by another user or product');
      result.inserted = row.inserted;
      result.confirmed = row.confirmed;
    }
    await insertDeadLetters(client, deadLetters);
    await client.query('COMMIT');
    client.off('error', ignore);
    client.release();
    return { ...result, rejected: result.inserted - result.confirmed, deadLetters };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    client.off('error', ignore);
    client.release(err as Error);
    throw err;
  }
}
