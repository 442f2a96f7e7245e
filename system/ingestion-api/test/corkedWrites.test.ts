import { localProvider, type StartedStack } from '@flux-gate/stack';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorkedWrites } from '../src/redis/CorkedWrites.ts';

let stack: StartedStack;
let redis: Redis;

beforeAll(async () => {
  stack = await localProvider.start({ log: () => undefined });
  redis = new Redis(stack.endpoints.redisUrl);
  await redis.ping();
});

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
});

describe('CorkedWrites against a real Redis', () => {
  it('holds the commands of one turn in one corked write, flushing early after `size` of them', async () => {
    const writes = new CorkedWrites(redis, 3);
    const replies: Array<Promise<number>> = [];
    const corked: number[] = [];
    for (let i = 0; i < 5; i++) {
      replies.push(writes.run(() => redis.incr('corked:count')));
      corked.push(redis.stream.writableCorked);
    }
    // Corked from the first command; the third reaches `size` and sends; the fourth corks again.
    expect(corked).toEqual([1, 1, 0, 1, 1]);
    expect(await Promise.all(replies)).toEqual([1, 2, 3, 4, 5]);
    // The end of the turn sent the last two: nothing stays corked.
    expect(redis.stream.writableCorked).toBe(0);
  });

  it('leaves a client that has no socket yet alone: ioredis queues the command and sends it on connect', async () => {
    const late = new Redis(stack.endpoints.redisUrl, { lazyConnect: true });
    try {
      expect(late.status).toBe('wait');
      const writes = new CorkedWrites(late, 32);
      const reply = writes.run(() => late.set('corked:late', 'yes'));
      expect(await reply).toBe('OK');
      expect(await late.get('corked:late')).toBe('yes');
    } finally {
      late.disconnect();
    }
  });
});
