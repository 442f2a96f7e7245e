import { migrations, type OrderStatus } from '@flux-gate/contracts';
import pg from 'pg';
import type { Logger } from 'pino';

export interface SaleStoreOptions {
  databaseUrl: string;
  timeoutMs: number;
  log: Logger;
}

/** What PostgreSQL says a sale holds: its stock column and the units each user has confirmed. */
export interface SaleRecord {
  stock: number;
  buyers: Map<string, number>;
}

/** The API's view of PostgreSQL, the system of record: products, sale arming and order status. */
export class SaleStore {
  readonly #pool: pg.Pool;

  constructor(options: SaleStoreOptions) {
    this.#pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 4,
      connectionTimeoutMillis: options.timeoutMs,
      query_timeout: options.timeoutMs,
      application_name: 'flux-gate-ingestion-api',
    });
    this.#pool.on('error', (err) => options.log.warn({ err: err.message }, 'idle PostgreSQL connection failed'));
  }

  /** Runs the shared migrations (each is IF NOT EXISTS). */
  async migrate(): Promise<void> {
    for (const sql of migrations) await this.#pool.query(sql);
  }

  async productExists(productId: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('SELECT 1 FROM products WHERE product_id = $1', [productId]);
    return rowCount === 1;
  }

  /**
   * Arms a sale as a fresh one: the product gets `stock` as stock and initial stock, and the
   * orders of a previous sale of this product are removed, in one transaction.
   */
  async armSale(productId: string, stock: number): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO products (product_id, stock, initial_stock) VALUES ($1, $2, $2)
         ON CONFLICT (product_id) DO UPDATE SET stock = $2, initial_stock = $2, updated_at = now()`,
        [productId, stock],
      );
      await client.query('DELETE FROM orders WHERE product_id = $1', [productId]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The stock column and the confirmed units per user, or undefined for an unknown product. */
  async saleRecord(productId: string): Promise<SaleRecord | undefined> {
    const product = await this.#pool.query<{ stock: number }>('SELECT stock FROM products WHERE product_id = $1', [productId]);
    const row = product.rows[0];
    if (!row) return undefined;
    const held = await this.#pool.query<{ user_id: string; units: number }>(
      `SELECT user_id, count(*)::int AS units FROM orders WHERE product_id = $1 AND status = 'confirmed' GROUP BY user_id`,
      [productId],
    );
    return { stock: row.stock, buyers: new Map(held.rows.map((r) => [r.user_id, r.units])) };
  }

  /** The worker's verdict on an order, or undefined while it has not written it. */
  async orderStatus(orderId: string): Promise<OrderStatus | undefined> {
    const { rows } = await this.#pool.query<{ status: 'confirmed' | 'rejected'; reason: string | null }>(
      'SELECT status, reason FROM orders WHERE order_id = $1',
      [orderId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.reason ? { status: row.status, reason: row.reason } : { status: row.status };
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
