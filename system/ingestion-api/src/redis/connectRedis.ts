import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.ts';

/** Where Redis is: one URL, or the Sentinels that name the primary. */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisSentinels'>;

/**
 * An ioredis client for the hot path: every command bounded by timeoutMs, and a command in flight
 * when the link drops is failed rather than sent again (a take runs at most once). Not auto-pipelined:
 * the hot commands share socket writes through CorkedWrites instead. With Sentinels, ioredis asks
 * them for the primary at each (re)connect, and a primary that answers as a replica is left.
 */
export async function connectRedis(target: RedisTarget, timeoutMs: number, log: Logger): Promise<Redis> {
  const options = {
    lazyConnect: true,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1_000),
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, 1_000),
  };
  const redis = target.redisSentinels
    ? new Redis({ ...options, ...target.redisSentinels, sentinelRetryStrategy: options.retryStrategy, failoverDetector: true })
    : new Redis(target.redisUrl, options);
  let lastError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastError) log.warn({ err: err.message }, 'Redis connection error');
    lastError = err.message;
  });
  redis.on('ready', () => (lastError = ''));
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}
