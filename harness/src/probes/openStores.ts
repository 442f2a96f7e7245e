import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { StackEndpoints } from '@flux-gate/stack';
import type { Stores } from './sampler.ts';

/** Direct connections to the stores, for the harness's own reads (no proxy, no fault in the way). */
export async function openStores(e: StackEndpoints, groupId: string): Promise<Stores & { close(): Promise<void> }> {
  const redis = new Redis(e.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 1000 });
  redis.on('error', () => {});
  const pool = new pg.Pool({ connectionString: e.postgresUrl, max: 2, connectionTimeoutMillis: 2000 });
  pool.on('error', () => {});
  const admin = new Admin({ clientId: 'flux-gate-harness', bootstrapBrokers: e.kafkaBrokers, timeout: 2000 });
  await admin.metadata({ topics: [] });
  return {
    redis,
    pg: pool,
    admin,
    groupId,
    close: async () => {
      redis.disconnect();
      await Promise.allSettled([pool.end(), admin.close()]);
    },
  };
}
