import type { StartedStack } from '@flux-gate/stack';
import { type Config, loadConfig } from '../../src/index.ts';

export const adminToken = 'test-admin-token-0123456789';
export const adminHeaders = { authorization: `Bearer ${adminToken}` };

/** The API's config for a test stack: Redis and Kafka through the api-* proxies, PostgreSQL direct. */
export function apiConfig(stack: StartedStack, env: Record<string, string> = {}): Config {
  const e = stack.endpoints;
  return loadConfig({
    REDIS_URL: e.apiRedisUrl,
    KAFKA_BROKERS: e.apiKafkaBrokers.join(','),
    DATABASE_URL: e.postgresUrl,
    ADMIN_TOKEN: adminToken,
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_SEC: '1000000',
    RATE_LIMIT_BURST: '1000000',
    // No test here measures a sale's opening; the warm-up's sends would only add to the topics.
    KAFKA_WARMUP_SENDS: '0',
    ...env,
  });
}
