import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ManagedProcess } from './ManagedProcess.ts';

/** Redis with persistence off, so a restart comes back empty (the redis-restart fault relies on it). */
export function redisProcess(opts: { bin: string; port: number; dir: string; readyTimeoutMs: number }): ManagedProcess {
  const data = join(opts.dir, 'redis');
  mkdirSync(data, { recursive: true });
  return new ManagedProcess({
    name: 'redis',
    command: opts.bin,
    args: ['--bind', '127.0.0.1', '--port', String(opts.port), '--save', '', '--appendonly', 'no', '--dir', data, '--protected-mode', 'no'],
    logFile: join(opts.dir, 'logs', 'redis.log'),
    readyTimeoutMs: opts.readyTimeoutMs,
    ready: async () => {
      const client = new Redis({ host: '127.0.0.1', port: opts.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.ping();
      } finally {
        client.disconnect();
      }
    },
  });
}
