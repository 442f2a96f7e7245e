/**
 * The PostgreSQL schema, the system of record. Migrations are idempotent: safe to run on every start.
 * The harness reads these tables directly to judge the system.
 */
export const migrations: string[] = [
  `CREATE TABLE IF NOT EXISTS products (
     product_id    text PRIMARY KEY,
     stock         integer NOT NULL CHECK (stock >= 0),
     initial_stock integer NOT NULL CHECK (initial_stock >= 0),
     updated_at    timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE IF NOT EXISTS orders (
     order_id        uuid PRIMARY KEY,
     user_id         text NOT NULL,
     product_id      text NOT NULL REFERENCES products (product_id),
     status          text NOT NULL CHECK (status IN ('confirmed', 'rejected')),
     reason          text,
     kafka_partition integer,
     kafka_offset    bigint,
     accepted_at     timestamptz,
     created_at      timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS orders_product_status ON orders (product_id, status)`,
];

/** Row of `orders` as the harness reads it. */
export interface OrderRow {
  order_id: string;
  user_id: string;
  product_id: string;
  status: 'confirmed' | 'rejected';
  reason: string | null;
  kafka_partition: number | null;
  kafka_offset: string | null;
}
