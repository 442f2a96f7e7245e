/**
 * The set-based write of one batch, as one statement. Parameters are parallel arrays, one element
 * per order: $1 order ids, $2 user ids, $3 product ids, $4 partitions, $5 offsets, $6 accepted-at.
 * The products must already be locked (FOR UPDATE) by the transaction, so `stock` is current.
 *
 * Per product, new orders are placed in offset order: a repeat buyer is rejected ('already_ordered'),
 * the first `stock` others are confirmed, the rest rejected ('out_of_stock'). Stock is then taken,
 * guarded by `stock >= units`, once per product, for the confirmed rows.
 *
 * Idempotent (the default): orders already stored are left out, and the units taken are counted from
 * the rows the INSERT really returned, so a redelivered batch inserts nothing and takes nothing.
 * Not idempotent (the broken mode): every message is placed again and its units taken again, whether
 * or not its row was inserted.
 */
export function orderBatchSql(options: { idempotent: boolean }): string {
  const onlyNew = options.idempotent ? 'WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = i.order_id)' : '';
  const takenFrom = options.idempotent ? 'inserted' : 'decided';
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
judged AS (
  SELECT f.*, p.stock,
    EXISTS (SELECT 1 FROM orders o WHERE o.product_id = f.product_id AND o.user_id = f.user_id
                                     AND o.status = 'confirmed' AND o.order_id <> f.order_id)
      OR row_number() OVER (PARTITION BY f.product_id, f.user_id ORDER BY f.kafka_offset) > 1 AS repeat_buyer
  FROM fresh f JOIN products p USING (product_id)
),
decided AS (
  SELECT j.*,
    CASE WHEN j.repeat_buyer THEN 'already_ordered'
         WHEN row_number() OVER (PARTITION BY j.product_id, j.repeat_buyer ORDER BY j.kafka_offset) > j.stock THEN 'out_of_stock'
    END AS reason
  FROM judged j
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
  SELECT product_id, count(*)::int AS units FROM ${takenFrom}
  WHERE ${options.idempotent ? "status = 'confirmed'" : 'reason IS NULL'}
  GROUP BY product_id
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
