import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './ManagedProcess.ts';
import { redisAnswers } from './readinessProbes.ts';

/** Redis's options beyond its address: no persistence, so a restart comes back empty. */
export const redisOptions = ['--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

/** Redis with persistence off, so a restart comes back empty (the redis-restart fault relies on it). */
export function redisProcess(opts: { bin: string; port: number; dir: string; readyTimeoutMs: number }): ManagedProcess {
  const data = join(opts.dir, 'redis');
  mkdirSync(data, { recursive: true });
  return new ManagedProcess({
    name: 'redis',
    command: opts.bin,
    args: ['--bind', '127.0.0.1', '--port', String(opts.port), ...redisOptions, '--dir', data],
    logFile: join(opts.dir, 'logs', 'redis.log'),
    readyTimeoutMs: opts.readyTimeoutMs,
    ready: () => redisAnswers(opts.port),
  });
}
