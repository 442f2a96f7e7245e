import { deadLettersTable, ordersTopic, redisKeys } from '@flux-gate/contracts';
import type { FinalState } from '@flux-gate/run-format';
import { kafkaLag } from './kafkaLag.ts';
import { pendingOrders } from './pendingOrders.ts';
import { stockLeft } from './stockLeft.ts';
import { readOrdersTopic } from './readOrdersTopic.ts';
import type { Stores } from './sampler.ts';

/** The final state, read straight from Redis, PostgreSQL and Kafka — never through the system. */
export async function snapshot(stores: Stores, brokers: string[], initialStock: Record<string, number>, drained: boolean): Promise<FinalState> {
  const productIds = Object.keys(initialStock);
  const [redisStock, pending, rebuilds, products, orders, lag, kafkaOrders, deadLetters] = await Promise.all([
    stockLeft(stores.redis, productIds),
    pendingOrders(stores.redis, productIds),
    Promise.all(productIds.map((id) => stores.redis.hget(redisKeys.primary(id), 'rebuilds'))),
    stores.pg.query<{ product_id: string; stock: number }>('SELECT product_id, stock FROM products WHERE product_id = ANY($1)', [productIds]),
    stores.pg.query<{ order_id: string; user_id: string; product_id: string; status: 'confirmed' | 'rejected'; reason: string | null; kafka_partition: number | null; kafka_offset: string | null }>(
      'SELECT order_id, user_id, product_id, status, reason, kafka_partition, kafka_offset FROM orders WHERE product_id = ANY($1)',
      [productIds],
    ),
    kafkaLag(stores.admin, stores.groupId, ordersTopic),
    readOrdersTopic(brokers),
    stores.pg.query<{ kafka_partition: number; kafka_offset: string; line: number; reason: string; order_id: string | null }>(
      `SELECT kafka_partition, kafka_offset, line, reason, order_id FROM ${deadLettersTable} ORDER BY kafka_partition, kafka_offset, line`,
    ),
  ]);
  const dbStock = new Map(products.rows.map((r) => [r.product_id, r.stock]));
  const tally = new Map<string, { confirmed: number; rejected: number }>(productIds.map((id) => [id, { confirmed: 0, rejected: 0 }]));
  for (const o of orders.rows) {
    const t = tally.get(o.product_id);
    if (t) t[o.status]++;
  }
  return {
    readAt: Date.now(),
    products: productIds.map((productId, i) => ({
      productId,
      initialStock: initialStock[productId]!,
      redisStock: redisStock[i] === null || redisStock[i] === undefined ? null : Number(redisStock[i]),
      dbStock: dbStock.get(productId) ?? 0,
      dbConfirmed: tally.get(productId)!.confirmed,
      dbRejected: tally.get(productId)!.rejected,
      pendingOrders: pending[i]!,
      redisRebuilds: Number(rebuilds[i] ?? 0),
    })),
    orders: orders.rows.map((o) => ({
      orderId: o.order_id,
      userId: o.user_id,
      productId: o.product_id,
      status: o.status,
      reason: o.reason,
      kafkaPartition: o.kafka_partition,
      kafkaOffset: o.kafka_offset === null ? null : String(o.kafka_offset),
    })),
    kafkaMessages: lag.messages,
    kafkaLag: lag.lag,
    kafkaOrders,
    deadLetters: deadLetters.rows.map((d) => ({ partition: d.kafka_partition, offset: String(d.kafka_offset), line: d.line, reason: d.reason, orderId: d.order_id })),
    drained,
  };
}
