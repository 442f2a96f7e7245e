import type { StackPart } from './StackProvider.ts';
import type { NodeRole } from './StackTopology.ts';

/** How many nodes of each kind the replicated shape has. */
export const replicatedCounts = { kafka: 3, redis: 3, sentinels: 3 } as const;

/** Where an API node's instance listens, at its node's own address. */
export const apiNodePorts = { http: 8080 } as const;

/** A node of the replicated shape before it has an address and ports. */
export interface ShapeNode {
  name: string;
  part: StackPart | 'api';
  roles: NodeRole[];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * The replicated shape's nodes as data, in start order of their listing: Toxiproxy, PostgreSQL,
 * kafka-1..3 (broker and controller each), redis-1 (the first primary), redis-2..3 (replicas),
 * sentinel-1..3, then api-1..`apis`, whose API instances the system starts. A provider gives each
 * an address and its ports.
 */
export function replicatedShapeNodes(apis: number): ShapeNode[] {
  return [
    { name: 'toxiproxy', part: 'toxiproxy', roles: ['toxiproxy'] },
    { name: 'postgres', part: 'postgres', roles: ['postgres'] },
    ...range(replicatedCounts.kafka).map((i): ShapeNode => ({ name: `kafka-${i}`, part: 'kafka', roles: ['kafka-broker', 'kafka-controller'] })),
    ...range(replicatedCounts.redis).map((i): ShapeNode => ({ name: `redis-${i}`, part: 'redis', roles: [i === 1 ? 'redis-primary' : 'redis-replica'] })),
    ...range(replicatedCounts.sentinels).map((i): ShapeNode => ({ name: `sentinel-${i}`, part: 'redis', roles: ['redis-sentinel'] })),
    ...range(apis).map((i): ShapeNode => ({ name: `api-${i}`, part: 'api', roles: ['api'] })),
  ];
}
