import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { encodeOrderEvent, ordersTopic } from '@flux-gate/contracts';
import type { StartedStack } from '../stack/StackProvider.ts';
import { kafkaLag } from '../system/kafkaLag.ts';
import type { StartedSystem } from '../system/startSystem.ts';

export interface DrainResult {
  orders: number;
  /** From the worker process's spawn until every order is a row (boot and group join included). */
  seconds: number;
  /** Rows written per second from the moment the worker joined its group. */
  ordersPerSec: number;
}

/**
 * (d) The worker's drain rate: with the worker stopped, fill Kafka with a backlog of `orders`
 * orders over `products` products, then start the worker process and time it until every order
 * is a row in PostgreSQL. The rate counts from the group join, so that it is not the process's boot.
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
  const admin = new Kafka({ clientId: 'bench-drain', brokers: stack.endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const written = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE product_id = ANY($1)', [ids])).rows[0]!.n);
    const started = performance.now();
    await worker.restart();
    const joined = performance.now();
    const atJoin = await written();
    // The group commits only after each batch's DB commit: lag 0 means every order is a row.
    // Polled at a fixed 20 ms (a cheap offsets request), so the end is seen within 20 ms.
    for (const deadline = joined + 120_000; ; await sleep(20)) {
      if ((await kafkaLag(admin, system.workerGroupId, ordersTopic)).lag === 0) break;
      if (performance.now() > deadline) throw new Error('the worker did not drain the backlog within 120 s');
    }
    const done = performance.now();
    const rows = await written();
    if (rows !== orders) throw new Error(`drained, but ${rows} of ${orders} orders are rows`);
    return { orders, seconds: (done - started) / 1000, ordersPerSec: (orders - atJoin) / ((done - joined) / 1000) };
  } finally {
    await Promise.allSettled([db.end(), admin.disconnect()]);
  }
}
