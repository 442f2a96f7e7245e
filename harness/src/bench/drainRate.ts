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
  /** Kafka messages earlier phases had left (a message may pack several orders), drained untimed before the backlog was built. */
  drainedBefore: number;
}

/**
 * (d) The worker's drain rate: let the worker drain whatever earlier phases left in Kafka, stop it,
 * fill Kafka with a backlog of `orders` orders over `products` products, then start the worker
 * process and time it until every order is a row in PostgreSQL. The rate counts from the group join,
 * so that it is not the process's boot, and the backlog timed is exactly these orders.
 */
export async function drainRate(stack: StartedStack, system: StartedSystem, orders = 100_000, products = 8): Promise<DrainResult> {
  const ids = Array.from({ length: products }, (_, i) => `drain-${i + 1}`);
  for (const id of ids) await system.armSale(id, Math.ceil(orders / products) + 1);
  const worker = system.processes.worker!;
  const db = new pg.Pool({ connectionString: stack.endpoints.postgresUrl, max: 1 });
  const admin = new Kafka({ clientId: 'bench-drain', brokers: stack.endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const lag = async () => (await kafkaLag(admin, system.workerGroupId, ordersTopic)).lag;
  // The group commits only after each batch's DB commit: lag 0 means every order is a row.
  // Polled at a fixed 20 ms (a cheap offsets request), so the end is seen within 20 ms.
  const untilDrained = async (what: string) => {
    for (const deadline = performance.now() + 120_000; ; await sleep(20)) {
      if ((await lag()) === 0) return;
      if (performance.now() > deadline) throw new Error(`the worker did not drain ${what} within 120 s`);
    }
  };
  try {
    // The API's phases leave their accepted orders in Kafka while the worker is stopped; timed with
    // the backlog, they would be drained but not counted.
    const drainedBefore = await lag();
    if (drainedBefore > 0) {
      if (!worker.running) await worker.start();
      await untilDrained(`the ${drainedBefore} messages earlier phases left`);
    }
    await worker.stop();
    await fillBacklog(stack, ids, orders);

    const written = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE product_id = ANY($1)', [ids])).rows[0]!.n);
    const started = performance.now();
    await worker.start();
    const joined = performance.now();
    const atJoin = await written();
    await untilDrained('the backlog');
    const done = performance.now();
    const rows = await written();
    if (rows !== orders) throw new Error(`drained, but ${rows} of ${orders} orders are rows`);
    return { orders, seconds: (done - started) / 1000, ordersPerSec: (orders - atJoin) / ((done - joined) / 1000), drainedBefore };
  } finally {
    await Promise.allSettled([db.end(), admin.disconnect()]);
  }
}

/** Sends `orders` orders spread evenly over the products, acks=all. */
async function fillBacklog(stack: StartedStack, ids: string[], orders: number): Promise<void> {
  const producer = new Kafka({ clientId: 'bench-backlog', brokers: stack.endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    const acceptedAt = new Date().toISOString();
    for (let sent = 0; sent < orders; ) {
      const batch = Math.min(10_000, orders - sent);
      await producer.send({
        topic: ordersTopic,
        acks: -1,
        messages: Array.from({ length: batch }, (_, i) => {
          const productId = ids[(sent + i) % ids.length]!;
          return { key: productId, value: encodeOrderEvent({ orderId: randomUUID(), userId: `d${sent + i}`, productId, quantity: 1, acceptedAt }) };
        }),
      });
      sent += batch;
    }
  } finally {
    await producer.disconnect();
  }
}
