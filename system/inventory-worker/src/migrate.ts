import { migrations } from '@flux-gate/contracts';
import type pg from 'pg';

/** Applies the contracts' migrations in one transaction, serialised by an advisory lock; safe to run again. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('flux-gate-migrations'))`);
    for (const sql of migrations) await client.query(sql);
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(err as Error);
    throw err;
  }
}
