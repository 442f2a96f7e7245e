import { Admin } from '@platformatic/kafka';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import type { StackEndpoints } from '@flux-gate/stack';
import type { Stores } from './sampler.ts';

const hostPort = (address: string) => ({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) });

/**
 * Direct connections to the stores, for the harness's own reads (no proxy, no fault in the way).
 * On the replicated shape Redis is the primary the Sentinels name, found again after a failover; on
 * the cluster shape a Cluster client, which reads each key from its slot's primary.
 */
export async function openStores(e: StackEndpoints, groupId: string): Promise<Stores & { close(): Promise<void> }> {
  const options = { maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 1000 };
  const s = e.redisSentinels;
  const redis = e.redisCluster
    ? new Cluster(e.redisCluster.map(hostPort), { scaleReads: 'master', redisOptions: options })
    : s
      ? new Redis({ ...options, sentinels: s.sentinels.map(hostPort), name: s.name, failoverDetector: true })
      : new Redis(e.redisUrl, options);
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
