import type { ScheduledFault } from './experimentSchema.ts';

/** The fault kinds that act on a node's own network (iptables or tc inside its namespace). */
const networkKinds = new Set(['isolate', 'split', 'bridge', 'loss', 'netem']);

/**
 * Nodes that every provider runs as host processes, outside the nodes' network: the workers and
 * nginx. The API instances run in their API nodes (locally in each node's namespace, on containers
 * in each node's container). The host reaches every node over the bridge and no partition cuts it,
 * so such a node sees both sides of any partition.
 */
export const runsOnHost = (name: string): boolean => /^worker-\d+$/.test(name) || name === 'nginx';

/** Every node name (or role) a network fault names: node, minority, side, from. */
function namedNodes(fault: ScheduledFault['fault']): string[] {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const one = typeof fault.node === 'string' ? [fault.node] : [];
  return [...one, ...list(fault.minority), ...list(fault.side), ...list(fault.from)];
}

/** The network faults of a resolved schedule that name a node run on the host, as `<label>: <nodes>`. */
export function hostNodesInPartitions(faults: readonly ScheduledFault[]): string[] {
  return faults.flatMap((f, i) => {
    if (!networkKinds.has(f.fault.kind)) return [];
    const onHost = namedNodes(f.fault).filter(runsOnHost);
    return onHost.length ? [`faults[${i}] (${f.fault.kind}): ${onHost.join(', ')}`] : [];
  });
}

/** Throws, naming the faults and the reason, when a network fault names a node that has no network of its own. */
export function refuseHostNodesInPartitions(faults: readonly ScheduledFault[]): void {
  const found = hostNodesInPartitions(faults);
  if (found.length === 0) return;
  throw new Error(
    `${found.join('; ')}: the workers and nginx run on the host (with either --stack), which reaches every node over the bridge; ` +
      'a partition cannot cut them or keep them on one side, so the fault means nothing. Name a store node, a role or an API node (api-N) instead; a process fault (kill, pause) still acts on them.',
  );
}
