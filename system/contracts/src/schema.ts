/** Table of the records the inventory worker set aside instead of storing as orders (see DeadLetterRow). */
export const deadLettersTable = 'dead_letters';

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
  `CREATE TABLE IF NOT EXISTS ${deadLettersTable} (
     kafka_partition integer NOT NULL,
     kafka_offset    bigint NOT NULL,
     line            integer NOT NULL,
     reason          text NOT NULL,
     detail          text NOT NULL,
     order_id        text,
     user_id         text,
     product_id      text,
     value_bytes     integer NOT NULL,
     value_head      text NOT NULL,
     set_aside_at    timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (kafka_partition, kafka_offset, line)
   )`,
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

/**
 * Why a record was set aside, a stable code:
 * - malformed: the value or line is empty, not JSON, or not a JSON object;
 * - missing_field: a required field of OrderEvent is absent or empty (the detail names it);
 * - invalid_field: orderId is not a uuid, acceptedAt is not a time (years 1970-9999), userId or
 *   productId is not an id (idProblem: 1 to 64 characters, no control character, no lone surrogate);
 * - unknown_product: no such product in `products`;
 * - duplicate_order_id: the order id is stored, or appears earlier in the same batch, with another
 *   user or product (the same order again is a redelivery, stored once and never set aside).
 */
export type DeadLetterReason = 'malformed' | 'missing_field' | 'invalid_field' | 'unknown_product' | 'duplicate_order_id';

/**
 * Row of `dead_letters` as the harness reads it: one per record set aside, keyed by where it is in
 * Kafka, so a redelivered record is set aside once.
 */
export interface DeadLetterRow {
  kafka_partition: number;
  /** Offset of the Kafka message in the `orders` topic (bigint, read as a decimal string). */
  kafka_offset: string;
  /** Index of the order line inside the message value (among its non-empty lines); 0 for a problem of the whole value. */
  line: number;
  reason: DeadLetterReason;
  /** What was wrong, for a person; never the whole value. */
  detail: string;
  /** The ids as the record gave them, when they are strings: at most 256 characters, NUL shown as U+FFFD. */
  order_id: string | null;
  user_id: string | null;
  product_id: string | null;
  /** Size in bytes (UTF-8) of the offending line, or of the whole value for a problem of the whole value. */
  value_bytes: number;
  /** At most the first 512 characters of that line or value, NUL shown as U+FFFD. */
  value_head: string;
  set_aside_at: Date;
}
