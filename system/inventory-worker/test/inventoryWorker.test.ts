import { randomUUID } from 'node:crypto';
import { encodeOrderEvent, orderMessage, ordersTopic } from '@flux-gate/contracts';
import { committedOffsets, localProvider, setCommittedOffsets, topicOffsets, waitFor, type StartedStack } from '@flux-gate/stack';
import { Admin } from '@platformatic/kafka';
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
  const lettersOf = async (productId: string) =>
    (await db.query(`SELECT kafka_offset, line, reason, order_id FROM dead_letters WHERE product_id = $1 ORDER BY kafka_offset, line`, [productId])).rows;
  const stockOf = async (productId: string) => (await db.query(`SELECT stock, initial_stock FROM products WHERE product_id = $1`, [productId])).rows[0];
  const newAdmin = () => new Admin({ clientId: 'inventory-worker-test', bootstrapBrokers: stack.endpoints.kafkaBrokers });
  const topicMessages = async () => {
    const admin = newAdmin();
    const offsets = await topicOffsets(admin, ordersTopic).finally(() => admin.close());
    return offsets.reduce((sum, p) => sum + Number(p.high - p.low), 0);
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
    config = loadConfig({ KAFKA_BROKERS: e.workerKafkaBrokers.join(','), DATABASE_URL: e.workerPostgresUrl, LOG_LEVEL: 'silent', METRICS_PORT: '0' });
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

  it('rejects orders beyond stock in offset order, never below 0, and sets aside what it cannot store', async () => {
    const p = product('scarce');
    const ghost = product('ghost');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 5 });
    const events = Array.from({ length: 12 }, (_, i) => newOrderEvent(p, `user-${i}`));
    const ghostOrder = newOrderEvent(ghost, 'user-x');
    const before = worker.stats().deadLettered;
    await produceOrders(stack.endpoints.kafkaBrokers, [...events, ghostOrder, { productId: p, raw: JSON.stringify({ productId: p, userId: 'user-y' }) }]);
    await until('12 orders stored', async () => (await rowsOf(p)).length === 12);

    const rows = await rowsOf(p);
    expect(rows.slice(0, 5).map((r) => [r.user_id, r.status])).toEqual(events.slice(0, 5).map((e) => [e.userId, 'confirmed']));
    expect(rows.slice(5).map((r) => [r.user_id, r.status, r.reason])).toEqual(events.slice(5).map((e) => [e.userId, 'rejected', 'out_of_stock']));
    expect(await stockOf(p)).toEqual({ stock: 0, initial_stock: 5 });
    await until('unknown product and malformed message set aside', async () => worker.stats().deadLettered === before + 2);
    expect((await lettersOf(ghost)).map((l) => [l.reason, l.order_id])).toEqual([['unknown_product', ghostOrder.orderId]]);
    expect((await lettersOf(p)).map((l) => [l.reason, l.order_id])).toEqual([['missing_field', null]]);
  });

  it('serves its counters at GET /metrics, as Prometheus reads them', async () => {
    const p = product('metered');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 2 });
    const before = worker.stats();
    await produceOrders(stack.endpoints.kafkaBrokers, Array.from({ length: 3 }, (_, i) => newOrderEvent(p, `user-${i}`)));
    await until('3 orders stored', async () => (await rowsOf(p)).length === 3);
    await drained(worker);

    const res = await fetch(worker.metricsUrl);
    expect(res.status).toBe(200);
    const text = await res.text();
    const sample = (name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2]);
    const stats = worker.stats();
    expect(sample('fluxgate_worker_orders_confirmed_total')).toBe(stats.confirmed);
    expect(sample('fluxgate_worker_orders_rejected_total')).toBe(stats.rejected);
    expect(stats.confirmed - before.confirmed).toBe(2);
    expect(stats.rejected - before.rejected).toBe(1);
    expect(sample('fluxgate_worker_rows_inserted_total')).toBe(stats.inserted);
    expect(sample('fluxgate_worker_batches_total')).toBe(stats.batches);
    expect(sample('fluxgate_worker_dead_letters_total')).toBe(stats.deadLettered);
    expect(sample('fluxgate_worker_messages_total')).toBe(stats.processed);
    expect(sample('process_cpu_seconds_total')).toBeGreaterThan(0);
    // Every message handled is committed, so the group is not behind.
    expect(sample('fluxgate_worker_lag_messages')).toBe(0);
  });

  it('stores every order of a message that packs several, setting a malformed line aside alone', async () => {
    const p = product('packed');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 10 });
    const events = Array.from({ length: 4 }, (_, i) => newOrderEvent(p, `user-${i}`));
    const lines = [...events.slice(0, 2).map(encodeOrderEvent), Buffer.from(JSON.stringify({ productId: p })), ...events.slice(2).map(encodeOrderEvent)];
    const before = worker.stats().deadLettered;
    await produceOrders(stack.endpoints.kafkaBrokers, [{ productId: p, raw: orderMessage(lines).toString() }]);
    await until('4 orders stored', async () => (await rowsOf(p)).length === 4);

    const rows = await rowsOf(p);
    expect(rows.map((r) => r.order_id).sort()).toEqual(events.map((e) => e.orderId).sort());
    expect(new Set(rows.map((r) => r.kafka_offset)).size).toBe(1);
    expect(await stockOf(p)).toEqual({ stock: 6, initial_stock: 10 });
    await until('the malformed line counted as set aside', async () => worker.stats().deadLettered === before + 1);
    expect(await lettersOf(p)).toEqual([{ kafka_offset: rows[0]!.kafka_offset, line: 2, reason: 'missing_field', order_id: null }]);
  });

  it('sets aside every poison record in dead_letters and consumes past it', async () => {
    const p = product('poison');
    await seedProducts(stack.endpoints.postgresUrl, { [p]: 100 });
    const owner = newOrderEvent(p, 'owner');
    await produceOrders(stack.endpoints.kafkaBrokers, [owner]);
    await until('the first order stored', async () => (await rowsOf(p)).length === 1);

    const good = Array.from({ length: 6 }, (_, i) => newOrderEvent(p, `user-${i}`));
    const ghost = newOrderEvent(product('ghost'), 'user-g');
    const { userId: _userId, ...withoutUser } = newOrderEvent(p, 'user-m');
    const thief = { ...owner, userId: 'thief' };
    const huge = JSON.stringify(newOrderEvent(p, 'u'.repeat(1024 * 1024)));
    const values = [
      encodeOrderEvent(good[0]!),
      'not json {',
      encodeOrderEvent(good[1]!),
      JSON.stringify(withoutUser),
      JSON.stringify(ghost),
      encodeOrderEvent(good[2]!),
      JSON.stringify(thief),
      encodeOrderEvent(owner), // the same order again: a redelivery, not a poison record
      huge,
      orderMessage([encodeOrderEvent(good[3]!), Buffer.from('{"orderId":"not-a-uuid","userId":"u","productId":"p","acceptedAt":"2030-01-01T00:00:00Z"}'), encodeOrderEvent(good[4]!)]),
      encodeOrderEvent(good[5]!),
    ];
    const before = worker.stats().deadLettered;
    // One key, one send: the values sit at consecutive offsets of one partition.
    const [sent, ...more] = await produceOrders(
      stack.endpoints.kafkaBrokers,
      values.map((v) => ({ productId: p, raw: v.toString() })),
    );
    expect(more).toEqual([]);
    await until('every good order stored', async () => (await rowsOf(p)).length === 1 + good.length);
    await drained(worker);

    const rows = await rowsOf(p);
    expect(rows.map((r) => [r.order_id, r.user_id]).sort()).toEqual([owner, ...good].map((e) => [e.orderId, e.userId]).sort());
    expect(await stockOf(p)).toEqual({ stock: 93, initial_stock: 100 });
    const base = sent!.offset;
    const letters = (
      await db.query(
        `SELECT kafka_offset - $2::bigint AS i, line, reason, order_id, user_id, product_id, value_bytes, length(value_head) AS head
         FROM dead_letters WHERE kafka_partition = $1 AND kafka_offset BETWEEN $2::bigint AND $2::bigint + $3 - 1 ORDER BY kafka_offset, line`,
        [sent!.partition, base.toString(), values.length],
      )
    ).rows.map((l) => ({ ...l, i: Number(l.i) }));
    expect(letters.map((l) => [l.i, l.line, l.reason, l.order_id])).toEqual([
      [1, 0, 'malformed', null],
      [3, 0, 'missing_field', withoutUser.orderId],
      [4, 0, 'unknown_product', ghost.orderId],
      [6, 0, 'duplicate_order_id', owner.orderId],
      [8, 0, 'invalid_field', expect.stringMatching(/^[0-9a-f-]{36}$/)],
      [9, 1, 'invalid_field', 'not-a-uuid'],
    ]);
    expect(letters[3]).toMatchObject({ user_id: 'thief', product_id: p });
    expect(letters[4]).toMatchObject({ user_id: 'u'.repeat(256), product_id: p, value_bytes: Buffer.byteLength(huge), head: 512 });
    expect(worker.stats().deadLettered - before).toBe(letters.length);
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
    const deadLetters = async () => (await db.query(`SELECT * FROM dead_letters ORDER BY kafka_partition, kafka_offset, line`)).rows;
    const lettersBefore = await deadLetters();
    expect(lettersBefore.length).toBeGreaterThan(0);
    const stockBefore = (await db.query(`SELECT product_id, stock FROM products ORDER BY product_id`)).rows;
    expect(await stockOf(p)).toEqual({ stock: 2, initial_stock: 10 });

    // Restart from offset 0: every batch is delivered again.
    await worker.stop();
    const admin = newAdmin();
    try {
      const earliest = (await topicOffsets(admin, ordersTopic)).map((p) => ({ partition: p.partition, offset: p.low }));
      await setCommittedOffsets(admin, config.groupId, ordersTopic, earliest);
    } finally {
      await admin.close();
    }
    worker = await startWorker(config);
    await drained(worker);

    // Every record set aside is met again, and its row is left as it was.
    expect(worker.stats()).toMatchObject({ inserted: 0, confirmed: 0, rejected: 0, deadLettered: lettersBefore.length });
    expect(await snapshot()).toEqual(rowsBefore);
    expect(await deadLetters()).toEqual(lettersBefore);
    expect((await db.query(`SELECT product_id, stock FROM products ORDER BY product_id`)).rows).toEqual(stockBefore);
  });

  it('runs its migrations again without error', async () => {
    await migrate(db);
    await migrate(db);
    const indexes = (await db.query(`SELECT indexname FROM pg_indexes WHERE tablename IN ('orders', 'dead_letters') ORDER BY indexname`)).rows.map((r) => r.indexname);
    expect(indexes).toEqual(['dead_letters_pkey', 'orders_pkey', 'orders_product_status']);
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

  /** Partitions whose committed offset for groupId is behind the topic's end. */
  const partitionsBehind = async (groupId: string) => {
    const admin = newAdmin();
    try {
      const [ends, at] = await Promise.all([topicOffsets(admin, ordersTopic), committedOffsets(admin, groupId, ordersTopic)]);
      return ends.filter((e) => e.high > 0n && (at.get(e.partition) ?? -1n) < e.high).length;
    } finally {
      await admin.close();
    }
  };

  /**
   * Holds the product's row lock, so a worker's transaction for its orders cannot commit, runs fn,
   * then ends every backend still waiting for the lock (as a worker's crash would abort its
   * transaction) and lets the lock go.
   */
  const withProductLocked = async (productId: string, fn: () => Promise<void>) => {
    const lock = await db.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM products WHERE product_id = $1 FOR UPDATE', [productId]);
      await fn();
      // The worker's transaction must be waiting for the lock before it is ended; on a busy machine
      // it may still be on its way there when fn returns.
      const waiting = async () =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)).rows[0]!.n > 0;
      await until('a worker transaction waiting for the lock', waiting);
      await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()`);
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
  };

  it('commits an offset only after the orders are stored; the broken mode commits first, so a crash loses them', async () => {
    const [kept, lost] = [product('offset-after'), product('offset-first')];
    await seedProducts(stack.endpoints.postgresUrl, { [kept]: 10, [lost]: 10 });
    await produceOrders(stack.endpoints.kafkaBrokers, Array.from({ length: 3 }, (_, i) => newOrderEvent(kept, `user-${i}`)));

    // The lock is taken before the worker starts: a worker that stored the orders first would leave nothing to hold back.
    const correct: StartedWorker[] = [];
    try {
      await withProductLocked(kept, async () => {
        correct.push(await startWorker({ ...config, groupId: 'offset-after-commit' }));
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        expect(await partitionsBehind('offset-after-commit')).toBeGreaterThanOrEqual(1);
      });
      // The crashed transaction is retried from the uncommitted offset.
      await until('3 orders stored', async () => (await rowsOf(kept)).length === 3);
    } finally {
      await Promise.all(correct.map((w) => w.stop()));
    }

    await produceOrders(stack.endpoints.kafkaBrokers, Array.from({ length: 3 }, (_, i) => newOrderEvent(lost, `user-${i}`)));
    const started: StartedWorker[] = [];
    try {
      await withProductLocked(lost, async () => {
        started.push(await startWorker({ ...config, groupId: 'offset-before-commit', brokenOffsetBeforeCommit: true }));
        await until('offsets committed to the end', async () => (await partitionsBehind('offset-before-commit')) === 0);
        expect(await rowsOf(lost)).toEqual([]);
      });
      // Its transaction aborted with the offset already committed: the orders are never written.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(await rowsOf(lost)).toEqual([]);
      expect(await stockOf(lost)).toEqual({ stock: 10, initial_stock: 10 });
    } finally {
      await Promise.all(started.map((w) => w.stop()));
    }
  });
});
