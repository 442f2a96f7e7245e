import { redisKeys } from '@flux-gate/contracts';
import type { Cluster, Redis } from 'ioredis';

/** Per product, in order: the entries of its in-flight record in Redis (units taken, not yet settled with Kafka). */
export function pendingOrders(redis: Redis | Cluster, productIds: string[]): Promise<number[]> {
  return Promise.all(productIds.map((id) => redis.hlen(redisKeys.pending(id))));
}
