import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, compatibilityPartitioner, Producer, stringSerializer } from '@platformatic/kafka';
import pg from 'pg';
import { encodeOrderEvent, ordersTopic } from '@flux-gate/contracts';
import { committedOffsets, type StartedStack, topicOffsets } from '@flux-gate/stack';
import { kafkaLag } from '../probes/kafkaLag.ts';
import type { StartedSystem } from '../services/startSystem.ts';

export interface DrainResult {
  orders: number;
  /** From the worker process's spawn until every order is a row (boot and group join included). */
  seconds: number;
  /** Rows written per second from the moment the worker joined its group (as it logged it). */
  ordersPerSec: number;
  /** Kafka messages earlier phases had left (a message may pack several orders), drained untimed before the backlog was built. */
  drainedBefore: number;
}

/** A drain rate no worker reaches here (about 5× the measured one); bounds how long the poll may wait. */
const fastestDrainPerSec = 250_000;

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
  const admin = new Admin({ clientId: 'bench-drain', bootstrapBrokers: stack.endpoints.kafkaBrokers });
  // The group commits only after each batch's DB commit: no lag means every order is a row.
  const lag = async () => (await kafkaLag(admin, system.workerGroupId, ordersTopic)).lag;
  // Polled every 20 ms near the end, and less often while the remainder cannot possibly drain that
  // fast: each poll takes CPU from the worker on this small machine (a 20 ms poll throughout cost
  // ~10% of the rate it measured), and the end is still seen within 20 ms.
  const untilDrained = async (what: string, behind: () => Promise<number>) => {
    for (const deadline = performance.now() + 120_000; ; ) {
      const left = await behind();
      if (left === 0) return;
      if (performance.now() > deadline) throw new Error(`the worker did not drain ${what} within 120 s`);
      await sleep(Math.min(200, Math.max(20, (left / fastestDrainPerSec) * 1000)));
    }
  };
  try {
    // The API's phases leave their accepted orders in Kafka while the worker is stopped; timed with
    // the backlog, they would be drained but not counted.
    const drainedBefore = await lag();
    if (drainedBefore > 0) {
      if (!worker.running) await worker.restart();
      await untilDrained(`the ${drainedBefore} messages earlier phases left`, lag);
    }
    await worker.stop();
    await fillBacklog(stack, ids, orders);
    // The backlog's end is fixed once it is written, so the poll asks only for the group's
    // committed offsets (kafkaLag asks for the topic's end offsets too).
    const ends = await topicOffsets(admin, ordersTopic);
    const backlogLeft = async () => {
      const at = await committedOffsets(admin, system.workerGroupId, ordersTopic);
      return ends.reduce((left, p) => left + Math.max(0, Number(p.high - (at.get(p.partition) ?? p.low))), 0);
    };

    const written = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE product_id = ANY($1)', [ids])).rows[0]!.n);
    const logFrom = existsSync(worker.logFile) ? statSync(worker.logFile).size : 0;
    const started = performance.now();
    await worker.restart();
    await untilDrained('the backlog', backlogLeft);
    const done = performance.now();
    const doneAt = Date.now();
    // The start's readiness poll sees the join up to 500 ms late (110-180 ms here), while the worker
    // already fetches and writes: the clock starts at the join time the worker logged.
    const joinedAt = loggedJoinTime(worker.logFile, logFrom);
    const rows = await written();
    if (rows !== orders) throw new Error(`drained, but ${rows} of ${orders} orders are rows`);
    return { orders, seconds: (done - started) / 1000, ordersPerSec: orders / ((doneAt - joinedAt) / 1000), drainedBefore };
  } finally {
    await Promise.allSettled([db.end(), admin.close()]);
  }
}

/** When (ms since the epoch) the worker logged "joined consumer group", in its log after byte `from`. */
function loggedJoinTime(logFile: string, from: number): number {
  const log = readFileSync(logFile).subarray(from).toString();
  const line = log.split('\n').find((l) => l.includes('"msg":"joined consumer group"'));
  const time = line ? Date.parse((JSON.parse(line) as { time: string }).time) : Number.NaN;
  if (Number.isNaN(time)) throw new Error(`no join time in ${logFile}`);
  return time;
}

/** Sends `orders` orders spread evenly over the products, acks=all. */
async function fillBacklog(stack: StartedStack, ids: string[], orders: number): Promise<void> {
  const producer = new Producer({ clientId: 'bench-backlog', bootstrapBrokers: stack.endpoints.kafkaBrokers, partitioner: compatibilityPartitioner, serializers: { key: stringSerializer } });
  try {
    const acceptedAt = new Date().toISOString();
    for (let sent = 0; sent < orders; ) {
      const batch = Math.min(10_000, orders - sent);
      await producer.send({
        acks: -1,
        messages: Array.from({ length: batch }, (_, i) => {
          const productId = ids[(sent + i) % ids.length]!;
          return { topic: ordersTopic, key: productId, value: encodeOrderEvent({ orderId: randomUUID(), userId: `d${sent + i}`, productId, quantity: 1, acceptedAt }) };
        }),
      });
      sent += batch;
    }
  } finally {
    await producer.close();
  }
}
