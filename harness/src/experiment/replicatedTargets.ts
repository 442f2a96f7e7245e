import type { FaultSpecInput } from '@flux-gate/chaos';
import type { GeneratedKind } from './randomFaultsSchema.ts';

/**
 * The replicated topology's targets for generated faults, as labels: a role or node (kafka-leader,
 * api-2), `a+b` for a split's minority, `api-1~redis-primary` for a bridge (the API instance keeps
 * the primary it is cut off with), `a<b` for loss into a from b (a replication link).
 */
const kafkaRoles = ['kafka-leader', 'kafka-follower', 'kafka-controller'];
const redisRoles = ['redis-primary', 'redis-replica'];

export function replicatedTargetsOf(kind: GeneratedKind, apis: string[], workers: string[]): string[] {
  switch (kind) {
    case 'kill':
    case 'pause':
      return [...kafkaRoles, ...redisRoles, ...apis, ...workers, 'postgres'];
    case 'isolate':
      return [...kafkaRoles, ...redisRoles];
    case 'split':
      return ['kafka-leader+kafka-follower', 'redis-primary+redis-replica'];
    case 'bridge':
      return ['api-1~redis-primary'];
    case 'loss':
      return ['kafka-follower<kafka-leader', 'redis-replica<redis-primary'];
    case 'sentinel-failover':
      return ['redis-primary'];
    default:
      return [];
  }
}

/** The stores and instances a target touches: kafka for any Kafka role, redis for any Redis role, else the node itself. */
export function storeGroups(target: string): string[] {
  return [...new Set(target.split(/[+~<]/).map((part) => (part.startsWith('kafka-') ? 'kafka' : part.startsWith('redis-') ? 'redis' : part)))];
}

/**
 * How long a target stays unsettled after the heal: a Kafka node takes 10 to 17 s to start and
 * rejoin the in-sync replicas, a Redis node waits for the failover and resyncs, a healed partition
 * lets leaders and replicas catch up.
 */
export function replicatedSettleMs(kind: GeneratedKind, target: string): number {
  const kafka = storeGroups(target).includes('kafka');
  switch (kind) {
    case 'kill':
      return kafka ? 15_000 : 8_000;
    case 'pause':
      return kafka ? 5_000 : 2_000;
    case 'isolate':
    case 'split':
    case 'bridge':
    case 'sentinel-failover':
      return 5_000;
    default:
      return 1_000;
  }
}

/** The spec of a replicated kind on a target label, with moderate parameters. */
export function replicatedSpecOf(kind: GeneratedKind, target: string, pick: <T>(xs: readonly T[]) => T): FaultSpecInput {
  switch (kind) {
    case 'kill':
    case 'pause':
      return { kind, process: target };
    case 'isolate':
      return { kind, node: target };
    case 'split':
      return { kind, minority: target.split('+') };
    case 'bridge': {
      const [node, side] = target.split('~') as [string, string];
      return { kind, node, side: [side] };
    }
    case 'loss': {
      const [node, from] = target.split('<') as [string, string];
      return { kind, node, from: [from], percent: pick([10, 30, 50]) };
    }
    case 'sentinel-failover':
      return { kind };
    default:
      throw new Error(`${kind} is not drawn on the replicated topology`);
  }
}
