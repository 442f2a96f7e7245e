import { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.ts';

/** Where Redis is: one URL, the Sentinels that name the primary, or the nodes of a Redis Cluster. */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisSentinels' | 'redisCluster'>;

/** The API's Redis client: one connection (a single Redis, or the primary the Sentinels name), or ioredis's Cluster client. */
export type RedisClient = Redis | Cluster;

/**
 * An ioredis client for the hot path: every command bounded by timeoutMs, and a command in flight
 * when the link drops is failed rather than sent again (a take runs at most once). Not auto-pipelined:
 * the hot commands share socket writes through CorkedWrites instead. With Sentinels, ioredis asks
 * them for the primary at each (re)connect, and a primary that answers as a replica is left.
 *
 * On a Redis Cluster, ioredis's Cluster client sends each command to the primary of its key's slot
 * (scaleReads 'master': a replica may be behind) and follows the cluster's answers: MOVED at once
 * (and it refreshes its slot map), ASK to the importing node, TRYAGAIN (a slot mid-migration) and
 * CLUSTERDOWN after a pause; each of these means the command did not run, so sending it again is
 * safe. A command whose connection closed under it may have run: retryDelayOnFailover 0 fails it
 * instead of sending it again.
 */
export async function connectRedis(target: RedisTarget, timeoutMs: number, log: Logger): Promise<RedisClient> {
  const options = {
    lazyConnect: true,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1_000),
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, 1_000),
  };
  const redis: RedisClient = target.redisCluster
    ? new Cluster(target.redisCluster, {
        lazyConnect: true,
        scaleReads: 'master',
        maxRedirections: 16,
        retryDelayOnMoved: 0,
        retryDelayOnTryAgain: 20,
        retryDelayOnClusterDown: 100,
        retryDelayOnFailover: 0,
        slotsRefreshTimeout: Math.max(timeoutMs, 1_000),
        clusterRetryStrategy: options.retryStrategy,
        redisOptions: { commandTimeout: options.commandTimeout, connectTimeout: options.connectTimeout, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1 },
      })
    : target.redisSentinels
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
    // A Cluster client connects to each primary at its first command: connect them all now, so
    // that the first takes of a sale do not wait for it (under load they ran past the command timeout).
    if (redis instanceof Cluster) await Promise.all(redis.nodes('master').map((node) => node.ping()));
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}
