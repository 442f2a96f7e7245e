import { deadLettersTable } from '@flux-gate/contracts';
import type pg from 'pg';
import type { DeadLetter } from './DeadLetter.ts';

const insertSql = `
INSERT INTO ${deadLettersTable} (kafka_partition, kafka_offset, line, reason, detail, order_id, user_id, product_id, value_bytes, value_head)
SELECT * FROM unnest($1::int[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[])
ON CONFLICT (kafka_partition, kafka_offset, line) DO NOTHING`;

/** Writes dead letters in the caller's transaction; one already there (a redelivery) is left as it is. */
export async function insertDeadLetters(client: pg.PoolClient, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await client.query(insertSql, [
    letters.map((l) => l.partition),
    letters.map((l) => l.offset),
    letters.map((l) => l.line),
    letters.map((l) => l.reason),
    letters.map((l) => l.detail),
    letters.map((l) => l.orderId),
    letters.map((l) => l.userId),
    letters.map((l) => l.productId),
    letters.map((l) => l.valueBytes),
    letters.map((l) => l.valueHead),
  ]);
}
