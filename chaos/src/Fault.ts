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
  /** Turns a node fault's target into node names at inject time; default: node names only (byNodeName). */
  resolveNodes?: NodeResolver;
}
