import { setImmediate as tick } from 'node:timers/promises';
import { redisKeys } from '@flux-gate/contracts';
import type { RedisClient } from './connectRedis.ts';
import type { TakeFn } from './SaleGate.ts';

/**
 * DELIBERATELY BROKEN (FLUXGATE_BROKEN_NON_ATOMIC_STOCK): reads the stock, yields, then writes it
 * back in a separate step, so concurrent buyers read the same value and the sale oversells. It
 * also skips the per-user limit, the rate limiter and idempotency. For the harness self-test only.
 */
export function nonAtomicTake(redis: RedisClient): TakeFn {
  return async (productId, userId, orderId) => {
    const raw = await redis.get(redisKeys.stock(productId));
    if (raw === null) return 'unarmed';
    const stock = Number(raw);
    if (stock <= 0) return 'sold_out';
    await tick();
    await redis.set(redisKeys.stock(productId), stock - 1);
    await redis.hincrby(redisKeys.buyers(productId), userId, 1);
    await redis.hset(redisKeys.pending(productId), orderId, JSON.stringify([userId, Date.now(), 0, '']));
    return 'ok';
  };
}
