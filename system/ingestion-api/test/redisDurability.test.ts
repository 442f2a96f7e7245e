import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ordersTopic, redisKeys } from '@flux-gate/contracts';
import { committedOffsets, ensureStackTools, freePort, localProvider, type ManagedProcess, redisProcess, setCommittedOffsets, type StartedStack, topicOffsets } from '@flux-gate/stack';
import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/index.ts';
import { orderPartition } from '../src/kafka/orderPartition.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';
import { commitWorkerOffsetsAtEnd } from './support/commitWorkerOffsetsAtEnd.ts';

let stack: StartedStack;
let dir: string;
/** A replica of the stack's Redis, started by this file. */
let replica: ManagedProcess;
let replicaUrl: string;
let primary: Redis;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  dir = mkdtempSync(join(tmpdir(), 'fg-durability-'));
  mkdirSync(join(dir, 'logs'));
  const tools = await ensureStackTools();
  const port = await freePort();
  replicaUrl = `redis://127.0.0.1:${port}`;
  replica = redisProcess({ bin: tools.redisServer, name: 'redis-replica', port, replicaOf: { host: new URL(stack.endpoints.redisUrl).hostname, port: Number(new URL(stack.endpoints.redisUrl).port) }, dir, readyTimeoutMs: 20_000 });
  await replica.start();
  primary = new Redis(stack.endpoints.redisUrl);
}, 120_000);

afterAll(async () => {
  primary?.disconnect();
  await replica?.stop();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const withApi = async (env: Record<string, string>, run: (api: BuiltApp) => Promise<void>) => {
  // Timeouts far above a busy machine's stalls: each case asserts which answer comes, not how fast.
  // A paused replica still fails its WAIT, after REDIS_WAIT_MS.
  const api = await buildApp(apiConfig(stack, { KAFKA_TIMEOUT_MS: '1000', REDIS_TIMEOUT_MS: '5000', REDIS_WAIT_MS: '1500', ...env }));
  try {
    await run(api);
  } finally {
    await api.close();
  }
};
const arm = async (api: BuiltApp, productId: string, stock: number) =>
  expect((await api.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId, stock } })).statusCode).toBe(200);
const order = (api: BuiltApp, productId: string, userId: string) => api.app.inject({ method: 'POST', url: '/order', payload: { productId, userId } });
const stockOf = async (redis: Redis, productId: string) => Number(await redis.get(redisKeys.stock(productId)));

describe('waiting for a replica (REDIS_WAIT_REPLICAS=1)', () => {
  it('answers 200 while a replica holds the take, and 503 with Retry-After, giving the unit back, while none does', async () => {
    await withApi({ REDIS_WAIT_REPLICAS: '1' }, async (api) => {
      await arm(api, 'dur-wait', 10);
      expect((await order(api, 'dur-wait', 'u1')).statusCode).toBe(200);
      replica.pause();
      try {
        const refused = await order(api, 'dur-wait', 'u2');
        expect(refused.statusCode).toBe(503);
        expect(refused.headers['retry-after']).toBe('1');
        expect(refused.json()).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/no Redis replica/) });
        expect(refused.json().orderId).toBeUndefined();
        // The give-back runs after the answer: the unit is back on sale shortly.
        for (let i = 0; i < 50 && (await stockOf(primary, 'dur-wait')) !== 9; i++) await sleep(20);
        expect(await stockOf(primary, 'dur-wait')).toBe(9);
        expect(await primary.hlen(redisKeys.pending('dur-wait'))).toBe(0);
      } finally {
        replica.resume();
      }
      expect((await order(api, 'dur-wait', 'u2')).statusCode).toBe(200);
    });
  });
});

describe('fencing after a primary change (REDIS_FENCING=1)', () => {
  it('refuses takes on a promoted replica with 503 and Retry-After until the API rebuilt the sale from PostgreSQL, once', async () => {
    await withApi({ REDIS_FENCING: '1', REDIS_WAIT_REPLICAS: '1' }, async (api) => {
      await arm(api, 'dur-fence', 20);
      expect((await order(api, 'dur-fence', 'u1')).statusCode).toBe(200);
      expect(await stockOf(primary, 'dur-fence')).toBe(19);
    });
    // The failover: the replica becomes a primary of its own (a new replication id), holding the sale as armed on the old one.
    const promoted = new Redis(replicaUrl);
    try {
      await promoted.call('REPLICAOF', 'NO', 'ONE');
      expect(await stockOf(promoted, 'dur-fence')).toBe(19);
      // Nothing is in flight: the worker group has stored (here: committed past) every order.
      await commitWorkerOffsetsAtEnd(stack.endpoints.kafkaBrokers);
      await withApi({ REDIS_URL: replicaUrl, REDIS_FENCING: '1', REDIS_WAIT_REPLICAS: '0' }, async (api) => {
        const fenced = await order(api, 'dur-fence', 'u2');
        expect(fenced.statusCode).toBe(503);
        expect(fenced.headers['retry-after']).toBe('1');
        expect(fenced.json().message).toMatch(/primary changed/);
        expect(await stockOf(promoted, 'dur-fence')).toBe(19);
        let answer = fenced;
        for (let i = 0; i < 100 && answer.statusCode === 503; i++) {
          await sleep(100);
          answer = await order(api, 'dur-fence', 'u2');
        }
        expect(answer.statusCode).toBe(200);
        // Rebuilt from PostgreSQL (which holds no order: no worker runs here), then one unit taken.
        expect(await stockOf(promoted, 'dur-fence')).toBe(19);
        expect(await promoted.hget(redisKeys.primary('dur-fence'), 'rebuilds')).toBe('1');
      });
    } finally {
      // Back to a replica of the stack's Redis, for whatever runs after.
      await promoted.call('REPLICAOF', '127.0.0.1', new URL(stack.endpoints.redisUrl).port).catch(() => undefined);
      promoted.disconnect();
    }
  }, 60_000);

  it('lets takes through on the primary the sale was armed on, and fences nothing with fencing off', async () => {
    await withApi({ REDIS_FENCING: '1' }, async (api) => {
      await arm(api, 'dur-armed', 5);
      expect((await order(api, 'dur-armed', 'u1')).statusCode).toBe(200);
    });
    await primary.hset(redisKeys.primary('dur-armed'), 'replid', 'another-primary');
    await withApi({ REDIS_FENCING: '1' }, async (api) => expect((await order(api, 'dur-armed', 'u2')).statusCode).toBe(503));
    await withApi({ REDIS_FENCING: '0' }, async (api) => expect((await order(api, 'dur-armed', 'u3')).statusCode).toBe(200));
  });

  it('holds a fenced sale until the worker stored its own orders, whatever else is in flight, here or on its partition', async () => {
    // Settles 3 s after the fence (Kafka timeout + Redis timeout), then looks every 250 ms.
    const admin = new Admin({ clientId: 'ingestion-api-test', bootstrapBrokers: stack.endpoints.kafkaBrokers });
    const endOf = async (partition: number) => (await topicOffsets(admin, ordersTopic))[partition]!.high;
    /** The worker group's lag on one partition of the orders topic. */
    const lagOf = async (partition: number) => Number((await endOf(partition)) - ((await committedOffsets(admin, 'inventory-worker', ordersTopic)).get(partition) ?? 0n));
    await withApi({ REDIS_FENCING: '1', KAFKA_TIMEOUT_MS: '1000', REDIS_TIMEOUT_MS: '2000' }, async (api) => {
      const partitions = (await topicOffsets(admin, ordersTopic)).length;
      const partitionOf = (productId: string) => orderPartition(productId, partitions);
      const fenced = 'dur-lag-0';
      const candidates = Array.from({ length: 50 }, (_, i) => `dur-lag-${i + 1}`);
      const elsewhere = candidates.find((p) => partitionOf(p) !== partitionOf(fenced))!;
      const beside = candidates.find((p) => partitionOf(p) === partitionOf(fenced))!;
      await commitWorkerOffsetsAtEnd(stack.endpoints.kafkaBrokers);
      for (const p of [fenced, elsewhere, beside]) await arm(api, p, 10);
      // One order of the fenced product and one on another partition, which no worker stores.
      expect((await order(api, fenced, 'u1')).statusCode).toBe(200);
      const fencedEnd = await endOf(partitionOf(fenced));
      expect((await order(api, elsewhere, 'u1')).statusCode).toBe(200);
      await primary.hset(redisKeys.primary(fenced), 'replid', 'another-primary');
      const firstFenced = performance.now();
      const since = () => performance.now() - firstFenced;
      expect((await order(api, fenced, 'u2')).statusCode).toBe(503);
      // Past the settle time and a few looks, its own order unstored holds it; the other products sell,
      // one of them on its partition (after the first look took the fenced product's end offset).
      let besideSold = false;
      while (since() < 6_000) {
        expect((await order(api, fenced, 'u2')).statusCode).toBe(503);
        if (!besideSold && since() > 4_500) besideSold = (await order(api, beside, 'u1')).statusCode === 200;
        await sleep(250);
      }
      expect(besideSold).toBe(true);
      expect((await order(api, elsewhere, 'u2')).statusCode).toBe(200);
      expect(await primary.hget(redisKeys.primary(fenced), 'rebuilds')).toBeNull();
      // The worker stores the fenced product's order, not the later one beside it nor those elsewhere.
      await setCommittedOffsets(admin, 'inventory-worker', ordersTopic, [{ partition: partitionOf(fenced), offset: fencedEnd }]);
      expect(await lagOf(partitionOf(fenced))).toBe(1);
      expect(await lagOf(partitionOf(elsewhere))).toBe(2);
      let answer = await order(api, fenced, 'u2');
      for (let i = 0; i < 40 && answer.statusCode === 503; i++) {
        await sleep(100);
        answer = await order(api, fenced, 'u2');
      }
      expect(answer.statusCode).toBe(200);
      expect(await primary.hget(redisKeys.primary(fenced), 'rebuilds')).toBe('1');
      // Rebuilt from PostgreSQL's 10 (no worker stored u1's order), then u2's unit taken.
      expect(await stockOf(primary, fenced)).toBe(9);
    }).finally(() => admin.close());
  }, 60_000);
});
