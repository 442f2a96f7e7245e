import type { ControllableProcess } from './ControllableProcess.ts';
import type { FaultSpec } from './faultSpec.ts';
import type { NetworkNode } from './NetworkNode.ts';
import type { NodeResolver } from './NodeResolver.ts';

/** A fault ready to use: inject starts it, heal ends it; both are safe to call more than once. */
export interface Fault {
  readonly id: string;
  readonly kind: FaultSpec['kind'];
  /** Process name, link name, or the node(s) a node fault names. */
  readonly target: string;
  /** e.g. "latency 200ms±50 on api-redis". */
  readonly label: string;
  inject(): Promise<void>;
  heal(): Promise<void>;
  /** After inject: the nodes its targets resolved to and, for a partition, the sides cut from each other. */
  resolved?(): ResolvedTargets | undefined;
}

/** What a fault's targets (node names or roles) turned out to be at inject time. */
export interface ResolvedTargets {
  nodes: string[];
  groups?: string[][];
}

/**
 * The Sentinels, for the forced failover: which node is the primary they name now, and asking
 * them to fail over (SENTINEL FAILOVER).
 */
export interface SentinelControl {
  primary(): Promise<string | undefined>;
  failover(): Promise<void>;
}

/** Where a product's slot lives in a Redis Cluster: the slot, and its shard's primary and replicas by node name. */
export interface ClusterShard {
  slot: number;
  primary: string;
  replicas: string[];
}

/** A Redis Cluster, for the faults inside it (cluster-failover, slot-move). */
export interface RedisClusterControl {
  /** The shard that holds the product's slot now. */
  shardOf(productId: string): Promise<ClusterShard>;
  /** The cluster's primaries by node name, in name order. */
  primaries(): Promise<string[]>;
  /** CLUSTER FAILOVER asked of `replica`: it takes its shard's primary role over, with the primary's agreement. */
  failover(replica: string): Promise<void>;
  /**
   * Moves `slot` from primary `from` to primary `to`: SETSLOT IMPORTING on `to` and MIGRATING on
   * `from` (unless `finishOnly`), MIGRATE of every key `from` still holds in it, then SETSLOT NODE
   * `to` on both and on the other primaries. With `finishOnly`, safe to repeat: it completes a move
   * left half-done and changes nothing after a whole one.
   */
  moveSlot(slot: number, from: string, to: string, finishOnly?: boolean): Promise<void>;
}

export type FaultIdentity = Pick<Fault, 'id' | 'kind' | 'target' | 'label'>;

/**
 * Where faults act: the Toxiproxy API, the processes that may be killed or paused, and the nodes
 * with network namespaces of their own that may be partitioned, each by name.
 */
export interface FaultContext {
  toxiproxyUrl: string;
  processes: Readonly<Record<string, ControllableProcess>>;
  nodes?: Readonly<Record<string, NetworkNode>>;
  /** Turns a node or process fault's target into node names at inject time; default: node names only (byNodeName). */
  resolveNodes?: NodeResolver;
  /** The replicated topology's Sentinels, for `sentinel-failover`. */
  sentinels?: SentinelControl;
  /** The cluster topology's Redis Cluster, for `cluster-failover` and `slot-move`. */
  redisCluster?: RedisClusterControl;
}
