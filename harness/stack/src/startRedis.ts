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

/**
 * A Redis Cluster node's options: its cluster state in nodes.conf in its folder; a primary unseen for
 * 2 s is failed over (the default waits 15 s); a shard without a primary stops only its own slots
 * (full coverage off); a replica takes over however long it was cut off (validity factor 0), and
 * stays with its shard (no replica migration), so each shard keeps the replica it started with.
 */
export const clusterNodeOptions = (dir: string) => [
  '--cluster-enabled',
  'yes',
  '--cluster-config-file',
  join(dir, 'nodes.conf'),
  '--cluster-node-timeout',
  '2000',
  '--cluster-require-full-coverage',
  'no',
  '--cluster-replica-validity-factor',
  '0',
  '--cluster-allow-replica-migration',
  'no',
];

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
  /** A Redis Cluster node (clusterNodeOptions), ready once it answers; formRedisCluster joins it. */
  cluster?: boolean;
}): ManagedProcess {
  const name = opts.name ?? 'redis';
  const host = opts.host ?? loopback;
  const data = join(opts.dir, name);
  mkdirSync(data, { recursive: true });
  const replica = opts.replicaOf === undefined ? [] : replicaOptions(opts.replicaOf);
  const cluster = opts.cluster ? clusterNodeOptions(data) : [];
  return new ManagedProcess({
    name,
    command: opts.bin,
    args: ['--bind', host, '--port', String(opts.port), ...redisOptions, '--dir', data, ...replica, ...cluster],
    ...(opts.netnsPath ? { netnsPath: opts.netnsPath } : {}),
    logFile: join(opts.dir, 'logs', `${name}.log`),
    readyTimeoutMs: opts.readyTimeoutMs,
    ready: () => (opts.replicaOf === undefined ? redisAnswers(opts.port, host) : redisReplicaLinked(opts.port, host)),
  });
}
