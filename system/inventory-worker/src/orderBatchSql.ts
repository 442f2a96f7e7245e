/**
 * The set-based write of one batch, as one statement. Parameters are parallel arrays, one element
 * per order: $1 order ids, $2 user ids, $3 product ids, $4 partitions, $5 offsets, $6 accepted-at.
 * The products must already be locked (FOR UPDATE) by the transaction, so `stock` is current.
 *
 * Per product, new orders are placed in offset order: the first `stock` are confirmed, the rest
 * rejected ('out_of_stock'). Stock is then taken, guarded by `stock >= units`, once per product,
 * for the confirmed rows.
 *
 * Idempotent (the default): orders already stored are left out, and the units taken are counted from
 * the rows the INSERT really returned, so a redelivered batch inserts nothing and takes nothing.
 * Not idempotent (the broken mode): every message is placed again and its units taken again, whether
 * or not its row was inserted.
 */
export function orderBatchSql(options: { idempotent: boolean }): string {
  // One primary-key probe per input order. Written as NOT EXISTS, the planner turned it into a hash
  // anti-join that read the whole orders table on every batch (52 ms of a 133 ms batch at 210,000 rows).
  const onlyNew = options.idempotent ? 'WHERE (SELECT true FROM orders o WHERE o.order_id = i.order_id) IS NULL' : '';
  const confirmedRows = options.idempotent ? "inserted WHERE status = 'confirmed'" : 'decided WHERE reason IS NULL';
  return `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::timestamptz[])
    AS t(order_id, user_id, product_id, kafka_partition, kafka_offset, accepted_at)
),
fresh AS (
  SELECT DISTINCT ON (i.order_id) i.* FROM input i
  ${onlyNew}
  ORDER BY i.order_id, i.kafka_offset
),
decided AS (
  SELECT f.*,
    CASE WHEN row_number() OVER (PARTITION BY f.product_id ORDER BY f.kafka_offset) > p.stock THEN 'out_of_stock' END AS reason
  FROM fresh f JOIN products p USING (product_id)
),
inserted AS (
  INSERT INTO orders (order_id, user_id, product_id, status, reason, kafka_partition, kafka_offset, accepted_at)
  SELECT order_id, user_id, product_id, CASE WHEN reason IS NULL THEN 'confirmed' ELSE 'rejected' END,
         reason, kafka_partition, kafka_offset, accepted_at
  FROM decided
  ON CONFLICT (order_id) DO NOTHING
  RETURNING product_id, status
),
taken AS (
  SELECT product_id, count(*)::int AS units FROM ${confirmedRows} GROUP BY product_id
),
updated AS (
  UPDATE products p SET stock = p.stock - t.units, updated_at = now()
  FROM taken t WHERE p.product_id = t.product_id AND p.stock >= t.units
  RETURNING p.product_id
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted,
       (SELECT count(*) FROM inserted WHERE status = 'confirmed')::int AS confirmed,
       (SELECT count(*) FROM taken)::int AS products_taken,
       (SELECT count(*) FROM updated)::int AS products_updated`;
}
