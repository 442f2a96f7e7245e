import { redisKeys } from '@flux-gate/contracts';
import { localProvider, type StartedStack } from '@flux-gate/stack';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, SaleGate, type StartedApi, startApi } from '../src/index.ts';
import { adminHeaders, apiConfig } from './support/apiConfig.ts';
import { orderClient } from './support/postOrder.ts';
import { readOrderEvents } from './support/readOrderEvents.ts';

let stack: StartedStack;
let api: StartedApi;
let redis: Redis;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  api = await startApi(apiConfig(stack));
  redis = new Redis(stack.endpoints.redisUrl);
});

afterAll(async () => {
  await api?.stop();
  redis?.disconnect();
  await stack?.stop();
});

const countBy = <T>(items: T[], key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

describe('2,000 concurrent buyers for 100 units', () => {
  it('accepts exactly 100, answers sold_out to the rest, and hands exactly those 100 to Kafka', async () => {
    const arm = await fetch(`${api.url}/admin/sales`, {
      method: 'POST',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ productId: 'herd', stock: 100 }),
    });
    expect(arm.status).toBe(200);

    const client = orderClient(api.url);
    const answers = await Promise.all(Array.from({ length: 2000 }, (_, i) => client.post(`buyer-${i}`, 'herd')));
    client.close();

    expect(countBy(answers, (a) => `${a.status} ${a.body.error ?? a.body.status}`)).toEqual({ '200 accepted': 100, '409 sold_out': 1900 });
    const accepted = answers.filter((a) => a.status === 200).map((a) => a.body.orderId);
    expect(new Set(accepted).size).toBe(100);

    expect(await redis.get(redisKeys.stock('herd'))).toBe('0');
    const buyers = await redis.hgetall(redisKeys.buyers('herd'));
    expect(Object.keys(buyers)).toHaveLength(100);
    expect(Object.values(buyers).every((units) => units === '1')).toBe(true);
    expect(await redis.hlen(redisKeys.pending('herd'))).toBe(0);

    const events = await readOrderEvents(stack.endpoints.kafkaBrokers, 'herd');
    expect(events).toHaveLength(100);
    expect(new Set(events.map((e) => e.orderId))).toEqual(new Set(accepted));
    expect(new Set(events.map((e) => e.userId)).size).toBe(100);
  });
});

describe("one turn's takes of a product", () => {
  it('go to Redis as one script call, each answered as if it ran alone in the order asked', async () => {
    const own = new Redis(stack.endpoints.redisUrl);
    try {
      const gate = new SaleGate(own, { perUserLimit: 1, ratePerSec: 1e6, burst: 1e6, answerTtlMs: 60_000, pendingTtlMs: 60_000, leaseMs: 60_000, queueSlack: 0, fencing: false });
      expect(await gate.reset('turn', 3, new Map(), true, 1e6)).toBe(true);
      const sent: string[] = [];
      const send = own.sendCommand.bind(own);
      own.sendCommand = ((command: Parameters<typeof send>[0]) => (sent.push(command.name), send(command))) as typeof own.sendCommand;
      const answers = await Promise.all([
        gate.take('turn', 'u1', 'order-1', 'k1'),
        gate.take('turn', 'u1', 'order-2', 'k2'),
        gate.take('turn', 'u2', 'order-3', 'k1'),
        gate.take('turn', 'u3', 'order-4', undefined),
        gate.take('turn', 'u4', 'order-5', 'k5'),
        gate.take('turn', 'u5', 'order-6', 'k6'),
      ]);
      expect(sent.filter((name) => name === 'evalsha' || name === 'eval')).toHaveLength(1);
      expect(answers).toEqual(['ok', 'already_ordered', 'pending:order-1', 'ok', 'ok', 'sold_out']);
      expect(await gate.take('turn', 'u6', 'order-7', 'k6')).toBe('sold_out');
      expect(await own.get(redisKeys.stock('turn'))).toBe('0');
      expect(Object.keys(await own.hgetall(redisKeys.pending('turn'))).sort()).toEqual(['order-1', 'order-4', 'order-5']);
    } finally {
      own.disconnect();
    }
  });
});

describe('FLUXGATE_BROKEN_NON_ATOMIC_STOCK', () => {
  it('really is broken: concurrent buyers oversell', async () => {
    const broken = await buildApp(apiConfig(stack, { FLUXGATE_BROKEN_NON_ATOMIC_STOCK: '1' }));
    try {
      const arm = await broken.app.inject({ method: 'POST', url: '/admin/sales', headers: adminHeaders, payload: { productId: 'oversold', stock: 10 } });
      expect(arm.statusCode).toBe(200);
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => broken.app.inject({ method: 'POST', url: '/order', payload: { userId: `b-${i}`, productId: 'oversold' } })),
      );
      const accepted = answers.filter((a) => a.statusCode === 200).length;
      expect(accepted).toBeGreaterThan(10);
    } finally {
      await broken.close();
    }
  });

  it('is refused in production', async () => {
    expect(() => apiConfig(stack, { NODE_ENV: 'production', FLUXGATE_BROKEN_NON_ATOMIC_STOCK: '1' })).toThrow(/FLUXGATE_BROKEN_NON_ATOMIC_STOCK/);
  });
});
