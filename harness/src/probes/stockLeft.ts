import { redisKeys } from '@flux-gate/contracts';
import type { Cluster, Redis } from 'ioredis';

/**
 * Per product, in order: the stock key's value in Redis, or null when the sale is not armed there.
 * One GET per product, so that on a Redis Cluster each goes to its own slot's primary (an MGET of
 * products in different slots is refused with CROSSSLOT).
 */
export function stockLeft(redis: Redis | Cluster, productIds: string[]): Promise<(string | null)[]> {
  return Promise.all(productIds.map((id) => redis.get(redisKeys.stock(id))));
}
