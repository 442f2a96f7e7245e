import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loopback } from './loopbackAddress.ts';
import { ManagedProcess } from './ManagedProcess.ts';
import { redisAnswers, redisReplicaLinked } from './readinessProbes.ts';

/**
 * Redis's options beyond its address: no persistence, so a restart comes back empty; a replica's
 * first sync starts at once (the default waits 5 s for more replicas to share one transfer).
 */
export const redisOptions = ['--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--repl-diskless-sync-delay', '0'];

/** A replica's options: the primary it follows and, with `announce`, the address it tells the primary and Sentinels it has. */
export const replicaOptions = (primary: { host: string; port: number }, announce?: string) => [
  '--replicaof',
  primary.host,
  String(primary.port),
  ...(announce ? ['--replica-announce-ip', announce] : []),
];

/**
 * Redis with persistence off, so a restart comes back empty (the redis-restart fault relies on it),
 * listening on `host` (127.0.0.1 unless given; a node's address in its network namespace `netnsPath`).
 * With `replicaOf` (the primary's address) a replica, ready once its link to the primary is up.
 */
export function redisProcess(opts: {
  bin: string;
  port: number;
  dir: string;
  readyTimeoutMs: number;
  name?: string;
  host?: string;
  netnsPath?: string;
  replicaOf?: { host: string; port: number };
}): ManagedProcess {
  const name = opts.name ?? 'redis';
  const host = opts.host ?? loopback;
  const data = join(opts.dir, name);
  mkdirSync(data, { recursive: true });
  const replica = opts.replicaOf === undefined ? [] : replicaOptions(opts.replicaOf);
  return new ManagedProcess({
    name,
    command: opts.bin,
    args: ['--bind', host, '--port', String(opts.port), ...redisOptions, '--dir', data, ...replica],
    ...(opts.netnsPath ? { netnsPath: opts.netnsPath } : {}),
    logFile: join(opts.dir, 'logs', `${name}.log`),
    readyTimeoutMs: opts.readyTimeoutMs,
    ready: () => (opts.replicaOf === undefined ? redisAnswers(opts.port, host) : redisReplicaLinked(opts.port, host)),
  });
}
