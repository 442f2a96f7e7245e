import pg from 'pg';

/** Creates (or resets) products with this stock, straight in PostgreSQL. */
export async function seedProducts(databaseUrl: string, stock: Record<string, number>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO products (product_id, stock, initial_stock)
       SELECT id, n, n FROM unnest($1::text[], $2::int[]) AS t(id, n)
       ON CONFLICT (product_id) DO UPDATE SET stock = EXCLUDED.stock, initial_stock = EXCLUDED.initial_stock`,
      [Object.keys(stock), Object.values(stock)],
    );
  } finally {
    await client.end();
  }
}
