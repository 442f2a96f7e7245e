import { join } from 'node:path';
import type { ControllableProcess, FaultContext } from '@flux-gate/chaos';
import { ordersTopic } from '@flux-gate/contracts';
import { runFileNames as files } from '@flux-gate/run-format';
import { type AnyStartedStack, RoleReader } from '@flux-gate/stack';
import { restartAfterFailover } from './restartAfterFailover.ts';
import { roleResolver } from './roleResolver.ts';
import { RoleSampler } from './RoleSampler.ts';
import { sentinelControl } from './sentinelControl.ts';
import { clusterControl } from './clusterControl.ts';

/** The replicated run's eye on roles: roles.ndjson as it goes, and the fault context that resolves roles. */
export interface RoleWatch {
  /** What faults need beside the processes: role targets resolved at inject, the Sentinels or the Redis Cluster, Redis nodes restarted only after a failover. */
  faultContext(processes: Readonly<Record<string, ControllableProcess>>): Pick<FaultContext, 'processes' | 'resolveNodes' | 'sentinels' | 'redisCluster'>;
  /** Takes a last reading, stops sampling and closes the connections. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts sampling the store nodes' run-time roles into the run's roles.ndjson every 500 ms, on a
 * replicated or cluster stack; undefined on the single one, where no role moves.
 */
export function startRoleWatch(stack: AnyStartedStack, runDir: string, log: (line: string) => void): RoleWatch | undefined {
  if (stack.topology.shape === 'single') return undefined;
  const reader = new RoleReader(stack.topology, stack.endpoints, ordersTopic);
  const sampler = new RoleSampler(reader, join(runDir, files.roles));
  sampler.start();
  const redisNodes = new Set(stack.topology.nodes.filter((n) => n.part === 'redis' && n.ports.client !== undefined).map((n) => n.name));
  const shards = stack.endpoints.redisCluster ? stack.topology.nodes.filter((n) => n.roles.includes('redis-primary')).length : 1;
  let stopped: Promise<void> | undefined;
  return {
    faultContext(processes) {
      const wrapped = Object.fromEntries(
        Object.entries(processes).map(([name, p]) => [name, redisNodes.has(p.name) ? restartAfterFailover(p, reader, log, shards) : p]),
      );
      return {
        processes: wrapped,
        resolveNodes: roleResolver(reader),
        ...(stack.endpoints.redisSentinels ? { sentinels: sentinelControl(reader, stack.endpoints.redisSentinels) } : {}),
        ...(stack.endpoints.redisCluster ? { redisCluster: clusterControl(stack.topology.nodes) } : {}),
      };
    },
    stop: () =>
      (stopped ??= (async () => {
        await sampler.tick();
        await sampler.stop();
        await reader.close();
      })()),
  };
}
