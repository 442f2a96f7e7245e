import { type LinkName, linkNames, type StackPart } from './StackProvider.ts';

/**
 * The shapes a stack can take: `single` (one node per store, fast runs), `replicated` (3 Kafka
 * nodes, a Redis primary with 2 replicas and 3 Sentinels) or `cluster` (3 Kafka nodes and a Redis
 * Cluster of 3 primaries with a replica each).
 */
export const topologyShapes = ['single', 'replicated', 'cluster'] as const;
export type TopologyShape = (typeof topologyShapes)[number];

/** The client links each shape runs through a Toxiproxy proxy (the replicated one: docs/decisions.md). */
export const proxiedLinks: Record<TopologyShape, readonly LinkName[]> = { single: linkNames, replicated: ['worker-postgres'], cluster: ['worker-postgres'] };

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
 * One node of a topology: a process with an address of its own. On the host a node listens on
 * 127.0.0.1 with ports of its own; a node in a network namespace of its own (the replicated local
 * shape) listens on the namespace's address, which the host and the other nodes reach through the
 * project's bridge.
 */
export interface StackNode {
  /** Unique in the stack, and the name of its process (faults and logs find it by this name). */
  name: string;
  /** The store it belongs to (a Sentinel belongs to redis), the system's balancer, or the system's API. */
  part: StackPart | 'balancer' | 'api';
  roles: NodeRole[];
  /** The address it listens on. */
  host: string;
  /** Its listening ports by purpose, e.g. `{ client: 9092, controller: 9093 }`. */
  ports: Record<string, number>;
  /** A replica: the node it started as a replica of (its primary may change at run time). */
  follows?: string;
  /** Its network namespace, for `nsenter --net=<path>`, when it has one of its own: `/run/netns/<name>` for a local node (its process is started inside), `/proc/<pid>/ns/net` for a container. */
  netnsPath?: string;
}

/** The bridge the namespaced nodes sit on, and the host's address on it: what a namespaced node reaches the host's parts by. */
export interface TopologyNetwork {
  bridge: string;
  /** e.g. 10.213.17.0/24. */
  subnet: string;
  hostAddress: string;
}

/**
 * A started topology: its shape and every node, with the seconds each took to answer. Nodes the
 * system starts (role `api`: the stack makes their namespaces, the system runs the API inside) have
 * no readySeconds here.
 */
export interface StackTopology {
  shape: TopologyShape;
  nodes: (StackNode & { readySeconds?: number })[];
  /** The replicated local shape: its bridge. */
  network?: TopologyNetwork;
}
