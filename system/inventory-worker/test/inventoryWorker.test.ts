import { randomUUID } from 'node:crypto';
import { encodeOrderEvent, orderMessage, ordersTopic } from '@flux-gate/contracts';
import { localProvider, waitFor, type StartedStack } from '@flux-gate/harness';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, migrate, startWorker, type StartedWorker, type WorkerConfig } from '../src/index.ts';
import { newOrderEvent, produceOrders } from './produceOrders.ts';
import { seedProducts } from './seedProducts.ts';

describe('inventory worker', () => {
  let stack: StartedStack;
  let db: pg.Pool;
  let worker: StartedWorker;
  let config: WorkerConfig;

  const product = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
  const rowsOf = async (productId: string) =>
    (await db.query(`SELECT order_id, user_id, status, reason, kafka_partition, kafka_offset FROM orders WHERE product_id = $1 ORDER BY kafka_offset`, [productId])).rows;
  const stockOf = async (productId: string) => (await db.query(`SELECT stock, initial_stock FROM products WHERE product_id = $1`, [productId])).rows[0];
  const topicMessages = async () => {
    const admin = new Kafka({ clientId: 'inventory-worker-test', brokers: stack.endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(ordersTopic);
    await admin.disconnect();
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  };
  const until = (what: string, check: () => Promise<boolean>) =>
    waitFor(
      async () => {
        if (!(await check())) throw new Error(what);
      },
      { timeoutMs: 30_000 },
    );
  /** Waits until this worker has handled every message in the topic (redeliveries included). */
  const drained = async (w: StartedWorker) => {
    const total = await topicMessages();
    await until(`worker handled ${total} messages`, async () => w.stats().processed >= total);
  };

  beforeAll(async () => {
    stack = await localProvider.start({ log: () => {} });
    const e = stack.endpoints;
    config = loadConfig({ KAFKA_BROKERS: e.workerKafkaBrokers.join(','), DATABASE_URL: e.workerPostgresUrl, LOG_LEVEL: 'silent' });
    worker = await startWorker(config);
    db = new pg.Pool({ connectionString: e.postgresUrl });
    db.on('error', () => {}); // its idle connections are cut when the stack stops
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.end();
    await stack?.stop();
  });

  it('confirms orders produced to Kafka and takes their stock', async () => {
    const p = product('plain');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 100 });
    const events = Array.from({ length: 30 }, (_, i) => newOrderEvent(p, `user-${i}`));
    await produceOrders(stack.endpoints.kafkaBrokers, events);
    await until('30 orders stored', async () => (await rowsOf(p)).length === 30);

    const rows = await rowsOf(p);
    expect(rows.map((r) => r.order_id).sort()).toEqual(events.map((e) => e.orderId).sort());
    expect(rows.every((r) => r.status === 'confirmed' && r.reason === null && r.kafka_partition !== null)).toBe(true);
    expect(await stockOf(p)).toEqual({ stock: 70, initial_stock: 100 });
  });

  it('rejects orders beyond stock in offset order, never below 0, and skips what it cannot store', async () => {
    const p = product('scarce');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 5 });
    const events = Array.from({ length: 12 }, (_, i) => newOrderEvent(p, `user-${i}`));
    const before = worker.stats().skipped;
    await produceOrders(stack.endpoints.kafkaBrokers, [
      ...events,
      newOrderEvent(product('ghost'), 'user-x'),
      { productId: p, raw: '{"not":"an order"}' },
    ]);
    await until('12 orders stored', async () => (await rowsOf(p)).length === 12);

    const rows = await rowsOf(p);
    expect(rows.slice(0, 5).map((r) => [r.user_id, r.status])).toEqual(events.slice(0, 5).map((e) => [e.userId, 'confirmed']));
    expect(rows.slice(5).map((r) => [r.user_id, r.status, r.reason])).toEqual(events.slice(5).map((e) => [e.userId, 'rejected', 'out_of_stock']));
    expect(await stockOf(p)).toEqual({ stock: 0, initial_stock: 5 });
    await until('unknown product and malformed message skipped', async () => worker.stats().skipped === before + 2);
  });

  it('stores every order of a message that packs several, skipping a malformed line alone', async () => {
    const p = product('packed');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 10 });
    const events = Array.from({ length: 4 }, (_, i) => newOrderEvent(p, `user-${i}`));
    const lines = [...events.slice(0, 2).map(encodeOrderEvent), Buffer.from('{"not":"an order"}'), ...events.slice(2).map(encodeOrderEvent)];
    const before = worker.stats().skipped;
    await produceOrders(stack.endpoints.kafkaBrokers, [{ productId: p, raw: orderMessage(lines).toString() }]);
    await until('4 orders stored', async () => (await rowsOf(p)).length === 4);

    const rows = await rowsOf(p);
    expect(rows.map((r) => r.order_id).sort()).toEqual(events.map((e) => e.orderId).sort());
    expect(new Set(rows.map((r) => r.kafka_offset)).size).toBe(1);
    expect(await stockOf(p)).toEqual({ stock: 6, initial_stock: 10 });
    await until('the malformed line counted as skipped', async () => worker.stats().skipped === before + 1);
  });

  it('changes nothing when the whole topic is redelivered', async () => {
    const p = product('redelivered');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 10 });
    const events = Array.from({ length: 8 }, (_, i) => newOrderEvent(p, `user-${i}`));
    // The same events twice: a producer retry puts them at new offsets.
    await produceOrders(stack.endpoints.kafkaBrokers, [...events, ...events]);
    await drained(worker);
    const snapshot = async () => (await db.query(`SELECT status, count(*)::int AS n FROM orders GROUP BY status ORDER BY status`)).rows;
    const rowsBefore = await snapshot();
    const stockBefore = (await db.query(`SELECT product_id, stock FROM products ORDER BY product_id`)).rows;
    expect(await stockOf(p)).toEqual({ stock: 2, initial_stock: 10 });

    // Restart from offset 0: every batch is delivered again.
    await worker.stop();
    const admin = new Kafka({ clientId: 'inventory-worker-test', brokers: stack.endpoints.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: config.groupId, topic: ordersTopic, earliest: true });
    await admin.disconnect();
    worker = await startWorker(config);
    await drained(worker);

    expect(worker.stats()).toMatchObject({ inserted: 0, confirmed: 0, rejected: 0 });
    expect(await snapshot()).toEqual(rowsBefore);
    expect((await db.query(`SELECT product_id, stock FROM products ORDER BY product_id`)).rows).toEqual(stockBefore);
  });

  it('runs its migrations again without error', async () => {
    await migrate(db);
    await migrate(db);
    const indexes = (await db.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'orders' ORDER BY indexname`)).rows.map((r) => r.indexname);
    expect(indexes).toEqual(['orders_pkey', 'orders_product_status']);
  });

  // Last: the broken worker replays the whole topic and takes stock again for every earlier product.
  it('in broken mode, takes stock again for a redelivered order', async () => {
    await worker.stop();
    const p = product('broken');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 10 });
    await produceOrders(stack.endpoints.kafkaBrokers, Array.from({ length: 4 }, (_, i) => newOrderEvent(p, `user-${i}`)));
    const broken = { ...config, groupId: 'broken-worker', brokenNonIdempotent: true };
    for (const stockAfter of [6, 2]) {
      // The broken worker commits no offset before 10 s, nor on stop: each start redelivers everything.
      const bad = await startWorker(broken);
      try {
        await drained(bad);
      } finally {
        await bad.stop();
      }
      expect(await stockOf(p)).toEqual({ stock: stockAfter, initial_stock: 10 });
    }
    expect((await rowsOf(p)).filter((r) => r.status === 'confirmed')).toHaveLength(4);
  });
});
