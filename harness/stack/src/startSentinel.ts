import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopback } from './loopbackAddress.ts';
import { ManagedProcess } from './ManagedProcess.ts';
import { sentinelWatches } from './readinessProbes.ts';

/** The name Sentinels know the primary by (ioredis's `name`). */
export const sentinelPrimaryName = 'flux-gate';

/**
 * How fast Sentinels act: a primary silent for 1 s is subjectively down, and a failover not
 * finished within 5 s may be tried again by another Sentinel. Short, for runs of seconds.
 */
export const sentinelTimings = { downAfterMs: 1_000, failoverTimeoutMs: 5_000 };

/** A majority of the Sentinels: how many must agree the primary is down before one fails it over. */
export const sentinelQuorum = (sentinels: number) => Math.floor(sentinels / 2) + 1;

/**
 * A Sentinel's config file, for a local process and a container alike: it watches the primary at
 * `primary` as `sentinelPrimaryName`, with sentinelTimings. With `announce`, it tells the other
 * Sentinels and its clients that address (a container's own) rather than the one it finds itself.
 */
export function sentinelConfig(opts: { bind: string; port: number; dir: string; primary: { host: string; port: number }; quorum: number; announce?: string }): string {
  const n = sentinelPrimaryName;
  return [
    `bind ${opts.bind}`,
    `port ${opts.port}`,
    'protected-mode no',
    `dir ${opts.dir}`,
    ...(opts.announce ? [`sentinel announce-ip ${opts.announce}`, `sentinel announce-port ${opts.port}`] : []),
    `sentinel monitor ${n} ${opts.primary.host} ${opts.primary.port} ${opts.quorum}`,
    `sentinel down-after-milliseconds ${n} ${sentinelTimings.downAfterMs}`,
    `sentinel failover-timeout ${n} ${sentinelTimings.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${n} 1`,
    '',
  ].join('\n');
}

/**
 * A Redis Sentinel (redis-server in sentinel mode) on `host` (127.0.0.1 unless given; a node's
 * address in its network namespace `netnsPath`) watching the primary at `primary` with a quorum of
 * `quorum`. Ready once it names the primary and knows the replicas and the other Sentinels.
 */
export function sentinelProcess(opts: {
  bin: string;
  name: string;
  host?: string;
  netnsPath?: string;
  port: number;
  primary: { host: string; port: number };
  quorum: number;
  replicas: number;
  otherSentinels: number;
  dir: string;
  readyTimeoutMs: number;
}): ManagedProcess {
  const home = join(opts.dir, opts.name);
  mkdirSync(home, { recursive: true });
  // Sentinel rewrites its own config file as it learns the replicas, the other Sentinels and failovers.
  const config = join(home, 'sentinel.conf');
  const n = sentinelPrimaryName;
  const host = opts.host ?? loopback;
  writeFileSync(config, sentinelConfig({ bind: host, port: opts.port, dir: home, primary: opts.primary, quorum: opts.quorum }));
  return new ManagedProcess({
    name: opts.name,
    command: opts.bin,
    args: [config, '--sentinel'],
    ...(opts.netnsPath ? { netnsPath: opts.netnsPath } : {}),
    logFile: join(opts.dir, 'logs', `${opts.name}.log`),
    readyTimeoutMs: opts.readyTimeoutMs,
    ready: () => sentinelWatches(opts.port, n, { replicas: opts.replicas, otherSentinels: opts.otherSentinels }, host),
  });
}
