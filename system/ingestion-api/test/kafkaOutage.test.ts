import { setTimeout as sleep } from 'node:timers/promises';
import { redisKeys } from '@flux-gate/contracts';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp } from '../src/index.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';
import { delayApiKafkaAnswers, setApiKafkaLink } from './support/kafkaLink.ts';
import { queueClient } from './support/queueClient.ts';
import { readOrderEvents } from './support/readOrderEvents.ts';

let stack: StartedStack;
let redis: Redis;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  redis = new Redis(stack.endpoints.redisUrl);
});

afterEach(async () => {
  await delayApiKafkaAnswers(stack, 0);
  await setApiKafkaLink(stack, true);
});

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

const arm = async (api: BuiltApp, productId: string, stock: number) =>
  expect((await api.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId, stock } })).statusCode).toBe(200);
const order = (api: BuiltApp, productId: string, userId: string, key?: string) =>
  api.app.inject({ method: 'POST', url: '/order', headers: key ? { 'idempotency-key': key } : {}, payload: { userId, productId } });

/** Polls until check() holds or the time is up; returns whether it held. */
const eventually = async (check: () => Promise<boolean>, ms = 15_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await check()) return true;
  return check();
};

describe('Kafka does not ack', () => {
  it('lets an admitted buyer whose order Kafka refused retry it with the same key and token, and no one else', async () => {
    const api = await buildApp(apiConfig(stack, { KAFKA_TIMEOUT_MS: '1000' }));
    try {
      const q = queueClient(api.app);
      await q.arm('cut-token', 5, 50);
      await q.steer('cut-token', 'pause');
      const { ticket } = await q.ticket('cut-token', 'w1');
      await q.steer('cut-token', 'resume');
      const token = (await q.until(ticket, 'admitted')).admissionToken!;
      const headers = { 'admission-token': token, 'idempotency-key': 'w1-key' };

      await setApiKafkaLink(stack, false);
      const refused = await q.order('cut-token', 'w1', headers);
      expect([refused.statusCode, refused.json().error]).toEqual([503, 'unavailable']);
      expect(await eventually(async () => (await redis.get(redisKeys.stock('cut-token'))) === '5')).toBe(true);

      await setApiKafkaLink(stack, true);
      const other = await q.order('cut-token', 'w1', { ...headers, 'idempotency-key': 'another-key' });
      expect([other.statusCode, other.json().error]).toEqual([409, 'token_replayed']);
      const retry = await q.order('cut-token', 'w1', headers);
      expect(retry.statusCode).toBe(200);
      expect(await redis.get(redisKeys.stock('cut-token'))).toBe('4');
    } finally {
      await api.close();
    }
  });

  it('answers 503, gives every unit back, and takes orders again once Kafka is back', async () => {
    const api = await buildApp(apiConfig(stack, { KAFKA_TIMEOUT_MS: '1000' }));
    try {
      await arm(api, 'cut', 5);
      await setApiKafkaLink(stack, false);
      const answers = await Promise.all([order(api, 'cut', 'u1', 'k1'), order(api, 'cut', 'u2'), order(api, 'cut', 'u3')]);
      expect(answers.map((a) => [a.statusCode, a.json().error])).toEqual(Array(3).fill([503, 'unavailable']));
      expect((await api.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);

      const restored = await eventually(async () => (await redis.get(redisKeys.stock('cut'))) === '5');
      expect(restored).toBe(true);
      expect(await redis.hlen(redisKeys.buyers('cut'))).toBe(0);
      expect(await redis.hlen(redisKeys.pending('cut'))).toBe(0);

      await setApiKafkaLink(stack, true);
      const retry = await order(api, 'cut', 'u1', 'k1');
      expect(retry.statusCode).toBe(200);
      expect(await redis.get(redisKeys.stock('cut'))).toBe('4');
      const events = await readOrderEvents(stack.endpoints.kafkaBrokers, 'cut');
      expect(events.map((e) => e.orderId)).toEqual([retry.json().orderId]);
    } finally {
      await api.close();
    }
  });
});

describe('the link to Kafka breaks after the broker wrote the order, before its ack came back', () => {
  it('answers 503 with the order id, keeps the unit taken, and the retry learns the order was accepted', async () => {
    const api = await buildApp(apiConfig(stack, { KAFKA_TIMEOUT_MS: '5000' }));
    try {
      await arm(api, 'cut-after-write', 5);
      expect((await order(api, 'cut-after-write', 'warm-up', 'warm-up-key')).statusCode).toBe(200);
      await delayApiKafkaAnswers(stack, 3_000);
      const answering = order(api, 'cut-after-write', 'u1', 'k1');
      await sleep(1_000);
      await setApiKafkaLink(stack, false);
      const answer = await answering;
      const written = (await readOrderEvents(stack.endpoints.kafkaBrokers, 'cut-after-write')).filter((e) => e.userId === 'u1');
      expect(written).toHaveLength(1);
      expect([answer.statusCode, answer.json().error, answer.json().orderId]).toEqual([503, 'unavailable', written[0]!.orderId]);
      await sleep(500);
      expect(await redis.get(redisKeys.stock('cut-after-write'))).toBe('3');

      await delayApiKafkaAnswers(stack, 0);
      await setApiKafkaLink(stack, true);
      expect(await eventually(async () => (await redis.hlen(redisKeys.pending('cut-after-write'))) === 0)).toBe(true);
      const retry = await order(api, 'cut-after-write', 'u1', 'k1');
      expect([retry.statusCode, retry.json().orderId]).toEqual([200, written[0]!.orderId]);
      expect(await redis.get(redisKeys.stock('cut-after-write'))).toBe('3');
    } finally {
      await api.close();
    }
  });
});

describe('FLUXGATE_BROKEN_ACK_BEFORE_KAFKA', () => {
  it('really is broken: answers 200 while Kafka is cut, and those orders never reach Kafka', async () => {
    const api = await buildApp(apiConfig(stack, { KAFKA_TIMEOUT_MS: '1000', FLUXGATE_BROKEN_ACK_BEFORE_KAFKA: '1' }));
    let accepted: string[];
    try {
      await arm(api, 'lost', 5);
      await setApiKafkaLink(stack, false);
      const answers = await Promise.all([order(api, 'lost', 'v1'), order(api, 'lost', 'v2'), order(api, 'lost', 'v3')]);
      accepted = answers.filter((a) => a.statusCode === 200).map((a) => a.json().orderId as string);
      expect(accepted.length).toBeGreaterThan(0);
    } finally {
      await api.close(); // waits until the doomed sends have failed for good
    }
    await setApiKafkaLink(stack, true);
    const events = await readOrderEvents(stack.endpoints.kafkaBrokers, 'lost');
    expect(events.filter((e) => accepted.includes(e.orderId))).toEqual([]);
  });
});
