/**
 * The roles a node holds at run time, which move as leaders are elected and primaries fail over:
 * the leader of the `orders` topic's partition 0 and its in-sync followers, the active KRaft
 * controller, the Redis primary and its replicas. A fault target may name one instead of a node.
 */
export const runRoles = ['kafka-leader', 'kafka-follower', 'kafka-controller', 'redis-primary', 'redis-replica'] as const;
export type RunRole = (typeof runRoles)[number];

export const isRunRole = (name: string): name is RunRole => (runRoles as readonly string[]).includes(name);

/** What one reading found of a node: the run-time roles it holds, and whether it did not answer. */
export interface NodeRoles {
  roles: RunRole[];
  down?: true;
}

/** One reading of every store node's run-time roles, by node name, and who holds each role in order of preference. */
export interface RoleReading {
  at: number;
  nodes: Record<string, NodeRoles>;
  holders: Record<RunRole, string[]>;
}
