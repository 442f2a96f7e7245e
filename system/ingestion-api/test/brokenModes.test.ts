import { setTimeout as sleep } from 'node:timers/promises';
import { redisKeys } from '@flux-gate/contracts';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/index.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';
import { setApiKafkaLink } from './support/kafkaLink.ts';
import { readOrderEvents } from './support/readOrderEvents.ts';

/** Each broken mode of the API really plants its bug (the canary relies on it), and the correct API does not. */
let stack: StartedStack;
let redis: Redis;
let db: pg.Pool;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  redis = new Redis(stack.endpoints.redisUrl);
  db = new pg.Pool({ connectionString: stack.endpoints.postgresUrl });
  db.on('error', () => undefined);
});

afterEach(() => setApiKafkaLink(stack, true));

afterAll(async () => {
  redis?.disconnect();
  await db?.end();
  await stack?.stop();
});

const arm = async (api: BuiltApp, productId: string, stock: number) =>
  expect((await api.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId, stock } })).statusCode).toBe(200);
const order = (api: BuiltApp, productId: string, userId: string, key?: string) =>
  api.app.inject({ method: 'POST', url: '/order', headers: key ? { 'idempotency-key': key } : {}, payload: { userId, productId } });
const stock = async (productId: string) => Number(await redis.get(redisKeys.stock(productId)));

/** Runs fn against an API built with env, closed afterwards. */
async function withApi(env: Record<string, string>, fn: (api: BuiltApp) => Promise<void>): Promise<void> {
  const api = await buildApp(apiConfig(stack, env));
  try {
    await fn(api);
  } finally {
    await api.close();
  }
}

describe('FLUXGATE_BROKEN_NO_PER_USER_LIMIT', () => {
  it('lets one user take three units where the limit is one', async () => {
    await withApi({}, async (api) => {
      await arm(api, 'limit-ok', 5);
      expect((await order(api, 'limit-ok', 'u')).statusCode).toBe(200);
      expect((await order(api, 'limit-ok', 'u')).json()).toEqual({ error: 'already_ordered' });
    });
    await withApi({ FLUXGATE_BROKEN_NO_PER_USER_LIMIT: '1' }, async (api) => {
      await arm(api, 'limit-broken', 5);
      const answers = [await order(api, 'limit-broken', 'u'), await order(api, 'limit-broken', 'u'), await order(api, 'limit-broken', 'u')];
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
      expect(await redis.hget(redisKeys.buyers('limit-broken'), 'u')).toBe('3');
      expect(await stock('limit-broken')).toBe(2);
    });
  });
});

describe('FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY', () => {
  it('places a second order for a retry with the same key, where the limit allows two units', async () => {
    await withApi({ PER_USER_LIMIT: '3' }, async (api) => {
      await arm(api, 'key-ok', 5);
      const [a, b] = [await order(api, 'key-ok', 'u', 'k'), await order(api, 'key-ok', 'u', 'k')];
      expect(b.json().orderId).toBe(a.json().orderId);
      expect(await stock('key-ok')).toBe(4);
    });
    await withApi({ PER_USER_LIMIT: '3', FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY: '1' }, async (api) => {
      await arm(api, 'key-broken', 5);
      const [a, b] = [await order(api, 'key-broken', 'u', 'k'), await order(api, 'key-broken', 'u', 'k')];
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(b.json().orderId).not.toBe(a.json().orderId);
      expect(await stock('key-broken')).toBe(3);
      const events = await readOrderEvents(stack.endpoints.kafkaBrokers, 'key-broken');
      expect(events.map((e) => e.orderId).sort()).toEqual([a.json().orderId, b.json().orderId].sort());
    });
  });
});

describe('FLUXGATE_BROKEN_DOUBLE_GIVE_BACK', () => {
  it('gives the unit of a refused produce back twice: the stock grows beyond what was armed', async () => {
    await withApi({ KAFKA_TIMEOUT_MS: '3000', FLUXGATE_BROKEN_DOUBLE_GIVE_BACK: '1' }, async (api) => {
      await arm(api, 'twice', 5);
      await setApiKafkaLink(stack, false);
      const answers = await Promise.all([order(api, 'twice', 'u1'), order(api, 'twice', 'u2'), order(api, 'twice', 'u3')]);
      // A plain 503 (no order id) is a refused produce, not a late ack.
      const refused = answers.filter((a) => a.statusCode === 503 && a.json().orderId === undefined).length;
      expect(refused).toBe(3);
      for (const end = Date.now() + 10_000; Date.now() < end && (await stock('twice')) < 8; ) await sleep(100);
      expect(await stock('twice')).toBe(8);
    });
  });
});

describe('FLUXGATE_BROKEN_NO_GIVE_BACK', () => {
  /** Three buyers with keys while api→kafka refuses connections, then the link healed: stock and in-flight orders once settled. */
  const refusedThenSettled = async (api: BuiltApp, productId: string) => {
    await arm(api, productId, 5);
    await setApiKafkaLink(stack, false);
    const answers = await Promise.all(['u1', 'u2', 'u3'].map((u) => order(api, productId, u, `k-${u}`)));
    expect(answers.filter((a) => a.statusCode === 503 && a.json().orderId === undefined)).toHaveLength(3);
    for (const end = Date.now() + 10_000; Date.now() < end && (await redis.hlen(redisKeys.pending(productId))) > 0; ) await sleep(100);
    await setApiKafkaLink(stack, true);
    return { stock: await stock(productId), inFlight: await redis.hlen(redisKeys.pending(productId)) };
  };

  it('settles a refused produce without putting its unit back: the retry with its key buys a second unit', async () => {
    await withApi({ KAFKA_TIMEOUT_MS: '3000' }, async (api) => {
      expect(await refusedThenSettled(api, 'leak-ok')).toEqual({ stock: 5, inFlight: 0 });
    });
    await withApi({ KAFKA_TIMEOUT_MS: '3000', FLUXGATE_BROKEN_NO_GIVE_BACK: '1' }, async (api) => {
      expect(await refusedThenSettled(api, 'leak-broken')).toEqual({ stock: 2, inFlight: 0 });
      const retry = await order(api, 'leak-broken', 'u1', 'k-u1');
      expect(retry.statusCode).toBe(200);
      expect(await stock('leak-broken')).toBe(1);
    });
  });
});

describe('FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT', () => {
  it('reseeds from PostgreSQL while an order is still in Kafka, putting its unit on sale again', async () => {
    await withApi({}, async (api) => {
      await arm(api, 'reseed-early', 3);
      expect((await order(api, 'reseed-early', 'u')).statusCode).toBe(200); // in Kafka; no worker stores it
      await redis.del(redisKeys.stock('reseed-early'), redisKeys.buyers('reseed-early'));
      const refused = await api.app.inject({ method: 'POST', url: '/admin/sales/reseed-early/reseed', headers: adminHeaders });
      expect([refused.statusCode, refused.json().error]).toEqual([409, 'orders_in_flight']);
    });
    await withApi({ FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT: '1' }, async (api) => {
      const reseed = await api.app.inject({ method: 'POST', url: '/admin/sales/reseed-early/reseed', headers: adminHeaders });
      expect(reseed.json()).toEqual({ productId: 'reseed-early', remaining: 3 });
      // u's order is not in PostgreSQL yet, so u may buy again and all 3 units are for sale: 4 for 3.
      const answers = await Promise.all(['u', 'v', 'w'].map((user) => order(api, 'reseed-early', user)));
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
      const { rows } = await db.query('SELECT initial_stock FROM products WHERE product_id = $1', ['reseed-early']);
      expect(rows[0].initial_stock).toBe(3);
      expect((await readOrderEvents(stack.endpoints.kafkaBrokers, 'reseed-early')).length).toBe(4);
    });
  });
});
