import { Redis } from 'ioredis';
import { SaleGate } from '../../src/redis/SaleGate.ts';

/**
 * The Redis gate of an instance that takes units and then stops (dies, or is stuck before Kafka):
 * tests run its steps by hand. close() disconnects it.
 */
export function deadInstance(redisUrl: string, leaseMs: number) {
  const redis = new Redis(redisUrl);
  const gate = new SaleGate(redis, { perUserLimit: 1, ratePerSec: 1_000_000, burst: 1_000_000, answerTtlMs: 60_000, pendingTtlMs: 60_000, leaseMs, queueSlack: 0, fencing: false });
  return { gate, close: () => redis.disconnect() };
}
