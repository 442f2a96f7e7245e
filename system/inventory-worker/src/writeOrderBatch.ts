import type pg from 'pg';
import { orderBatchSql } from './orderBatchSql.ts';
import type { PendingOrder, SkippedMessage } from './PendingOrder.ts';

export interface BatchResult {
  inserted: number;
  confirmed: number;
  rejected: number;
  skipped: SkippedMessage[];
}

const lockProducts = `SELECT product_id FROM products WHERE product_id = ANY($1::text[]) ORDER BY product_id FOR UPDATE`;

/**
 * Writes a batch of orders in one transaction: locks the batch's products, drops (as skipped) the
 * orders of products PostgreSQL does not know, then runs the set-based statement. Throws, and rolls
 * back, when the stock guard refuses an update; that would be a bug, never an oversell.
 */
export async function writeOrderBatch(pool: pg.Pool, orders: PendingOrder[], options: { idempotent: boolean }): Promise<BatchResult> {
  const client = await pool.connect();
  // A link cut mid-transaction surfaces as this batch's rejected query; without a listener the
  // client's 'error' event would also kill the process.
  const ignore = () => {};
  client.on('error', ignore);
  try {
    await client.query('BEGIN');
    const wanted = [...new Set(orders.map((o) => o.productId))];
    const known = new Set((await client.query<{ product_id: string }>(lockProducts, [wanted])).rows.map((r) => r.product_id));
    const skipped: SkippedMessage[] = [];
    const writable = orders.filter((o) => {
      if (known.has(o.productId)) return true;
      skipped.push({ partition: o.partition, offset: o.offset, orderId: o.orderId, reason: 'unknown_product', detail: `no product ${o.productId} in PostgreSQL` });
      return false;
    });
    const result = { inserted: 0, confirmed: 0 };
    if (writable.length > 0) {
      const { rows } = await client.query<{ inserted: number; confirmed: number; products_taken: number; products_updated: number }>(
        orderBatchSql(options),
        [
          writable.map((o) => o.orderId),
          writable.map((o) => o.userId),
          writable.map((o) => o.productId),
          writable.map((o) => o.partition),
          writable.map((o) => o.offset),
          writable.map((o) => o.acceptedAt),
        ],
      );
      const row = rows[0]!;
      if (row.products_updated !== row.products_taken) {
        throw new Error(`stock guard refused ${row.products_taken - row.products_updated} product update(s); batch rolled back`);
      }
      result.inserted = row.inserted;
      result.confirmed = row.confirmed;
    }
    await client.query('COMMIT');
    client.off('error', ignore);
    client.release();
    return { ...result, rejected: result.inserted - result.confirmed, skipped };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    client.off('error', ignore);
    client.release(err as Error);
    throw err;
  }
}
