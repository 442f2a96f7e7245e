import type { StackPart } from './StackProvider.ts';
import type { NodeRole } from './StackTopology.ts';

/** How many nodes of each kind the replicated shape has. */
export const replicatedCounts = { kafka: 3, redis: 3, sentinels: 3 } as const;

/** Where an API node's instance listens, at its node's own address. */
export const apiNodePorts = { http: 8080 } as const;

/** The cluster shape's Redis Cluster: its shards (a primary each) and each shard's replicas. */
export const clusterCounts = { shards: 3, replicasPerShard: 1 } as const;

/** The shapes with 3 Kafka nodes, whose Redis is replicated (Sentinels) or a Redis Cluster. */
export type ReplicatedShape = 'replicated' | 'cluster';

/** A node of the replicated shape before it has an address and ports. */
export interface ShapeNode {
  name: string;
  part: StackPart | 'api';
  roles: NodeRole[];
  /** A replica: the node it starts following. */
  follows?: string;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * The Redis nodes of a shape, as data. replicated: redis-1 (the first primary), redis-2..3
 * (its replicas) and sentinel-1..3. cluster: redis-1..3 (a primary per shard) and redis-4..6, the
 * replica of shard i being redis-(3+i), following redis-i.
 */
export function redisShapeNodes(shape: ReplicatedShape): ShapeNode[] {
  if (shape === 'cluster') {
    const { shards, replicasPerShard } = clusterCounts;
    return [
      ...range(shards).map((i): ShapeNode => ({ name: `redis-${i}`, part: 'redis', roles: ['redis-primary'] })),
      ...range(shards * replicasPerShard).map((i): ShapeNode => ({ name: `redis-${shards + i}`, part: 'redis', roles: ['redis-replica'], follows: `redis-${((i - 1) % shards) + 1}` })),
    ];
  }
  return [
    ...range(replicatedCounts.redis).map((i): ShapeNode => ({ name: `redis-${i}`, part: 'redis', roles: [i === 1 ? 'redis-primary' : 'redis-replica'] })),
    ...range(replicatedCounts.sentinels).map((i): ShapeNode => ({ name: `sentinel-${i}`, part: 'redis', roles: ['redis-sentinel'] })),
  ];
}

/** api-1..`apis`: the nodes whose API instances the system starts. */
export const apiShapeNodes = (apis: number): ShapeNode[] => range(apis).map((i): ShapeNode => ({ name: `api-${i}`, part: 'api', roles: ['api'] }));

/** The Kafka nodes of both shapes: kafka-1..3, broker and controller each. */
export const kafkaShapeNodes = (): ShapeNode[] => range(replicatedCounts.kafka).map((i): ShapeNode => ({ name: `kafka-${i}`, part: 'kafka', roles: ['kafka-broker', 'kafka-controller'] }));

/**
 * The shape's nodes as data, in start order of their listing: Toxiproxy, PostgreSQL, kafka-1..3,
 * the Redis nodes (redisShapeNodes), then api-1..`apis`. A provider gives each an address and its ports.
 */
export function replicatedShapeNodes(shape: ReplicatedShape = 'replicated', apis = 0): ShapeNode[] {
  return [{ name: 'toxiproxy', part: 'toxiproxy', roles: ['toxiproxy'] }, { name: 'postgres', part: 'postgres', roles: ['postgres'] }, ...kafkaShapeNodes(), ...redisShapeNodes(shape), ...apiShapeNodes(apis)];
}
