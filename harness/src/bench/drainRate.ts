import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { encodeOrderEvent, ordersTopic } from '@flux-gate/contracts';
import type { StartedStack } from '../stack/StackProvider.ts';
import type { StartedSystem } from '../system/startSystem.ts';
import { waitFor } from '../stack/waitFor.ts';

export interface DrainResult {
  orders: number;
  seconds: number;
  ordersPerSec: number;
}

/**
 * (d) The worker's drain rate: with the worker stopped, fill Kafka with a backlog of `orders`
 * orders over `products` products, then start the worker process and time it until every order
 * is a row in PostgreSQL (process start and group join included).
 */
export async function drainRate(stack: StartedStack, system: StartedSystem, orders = 100_000, products = 8): Promise<DrainResult> {
  const ids = Array.from({ length: products }, (_, i) => `drain-${i + 1}`);
  for (const id of ids) await system.armSale(id, Math.ceil(orders / products) + 1);
  const worker = system.processes.worker!;
  await worker.stop();

  const producer = new Kafka({ clientId: 'bench-backlog', brokers: stack.endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const acceptedAt = new Date().toISOString();
  for (let sent = 0; sent < orders; ) {
    const batch = Math.min(10_000, orders - sent);
    await producer.send({
      topic: ordersTopic,
      acks: -1,
      messages: Array.from({ length: batch }, (_, i) => {
        const productId = ids[(sent + i) % products]!;
        return { key: productId, value: encodeOrderEvent({ orderId: randomUUID(), userId: `d${sent + i}`, productId, quantity: 1, acceptedAt }) };
      }),
    });
    sent += batch;
  }
  await producer.disconnect();

  const db = new pg.Pool({ connectionString: stack.endpoints.postgresUrl, max: 1 });
  try {
    const started = performance.now();
    await worker.restart();
    await waitFor(
      async () => {
        const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE product_id = ANY($1)', [ids]);
        if (Number(rows[0]!.n) < orders) throw new Error(`${rows[0]!.n} of ${orders} written`);
      },
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    const seconds = (performance.now() - started) / 1000;
    return { orders, seconds, ordersPerSec: orders / seconds };
  } finally {
    await db.end();
  }
}
