import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * An ioredis client for the hot path: every command bounded by timeoutMs, and a command in flight
 * when the link drops is failed rather than sent again (a take runs at most once). Not auto-pipelined:
 * the hot commands share socket writes through CorkedWrites instead.
 */
export async function connectRedis(url: string, timeoutMs: number, log: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(timeoutMs, 1_000),
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 50, 1_000),
  });
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
