import { type LinkName, linkNames, type StackPart } from './StackProvider.ts';

/** The shapes a stack can take: `single` (one node per store, fast runs) or `replicated` (3 Kafka nodes, a Redis primary with 2 replicas and 3 Sentinels). */
export const topologyShapes = ['single', 'replicated'] as const;
export type TopologyShape = (typeof topologyShapes)[number];

/** The client links each shape runs through a Toxiproxy proxy (the replicated one: docs/decisions.md). */
export const proxiedLinks: Record<TopologyShape, readonly LinkName[]> = { single: linkNames, replicated: ['worker-postgres'] };

/** What a node does. Leaders and primaries change at run time: a node's roles here are the ones it started with. */
export type NodeRole =
  | 'kafka-broker'
  | 'kafka-controller'
  | 'redis-primary'
  | 'redis-replica'
  | 'redis-sentinel'
  | 'postgres'
  | 'toxiproxy'
  | 'load-balancer'
  | 'api';

/**
 * One node of a topology: a process with an address of its own. Every node is on 127.0.0.1 with
 * distinct ports for now; a node moved into a network namespace keeps its name, roles and ports
 * and gets the namespace's address as `host`.
 */
export interface StackNode {
  /** Unique in the stack, and the name of its process (faults and logs find it by this name). */
  name: string;
  /** The store it belongs to (a Sentinel belongs to redis), or the system's balancer. */
  part: StackPart | 'balancer';
  roles: NodeRole[];
  host: string;
  /** Its listening ports by purpose, e.g. `{ client: 9092, controller: 9093 }`. */
  ports: Record<string, number>;
  /** Its network namespace, for `nsenter --net=<path>`, when it has one of its own (a container's: `/proc/<pid>/ns/net` at start). */
  netnsPath?: string;
}

/** A started topology: its shape and every node, with the seconds each took to answer. */
export interface StackTopology {
  shape: TopologyShape;
  nodes: (StackNode & { readySeconds: number })[];
}
