import type { ScheduledFault } from './experimentSchema.ts';

/** The fault kinds that act on a node's own network (iptables or tc inside its namespace). */
const networkKinds = new Set(['isolate', 'split', 'bridge', 'loss', 'netem']);

/**
 * Nodes that `--stack containers` runs as host processes, outside the run's network: the API
 * instances, the workers and nginx. The host reaches every container over the network's bridge and
 * no partition cuts it, so such a node sees both sides of any partition.
 */
export const runsOnHostWithContainers = (name: string): boolean => /^(api|worker)-\d+$/.test(name) || name === 'nginx';

/** Every node name (or role) a network fault names: node, minority, side, from. */
function namedNodes(fault: ScheduledFault['fault']): string[] {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const one = typeof fault.node === 'string' ? [fault.node] : [];
  return [...one, ...list(fault.minority), ...list(fault.side), ...list(fault.from)];
}

/**
 * The network faults of a resolved schedule that name a node the provider runs on the host, as
 * `<label>: <nodes>`; empty on every provider but containers (the local provider gives the API
 * instances and workers namespaces of their own).
 */
export function hostNodesInPartitions(faults: readonly ScheduledFault[], provider: string): string[] {
  if (provider !== 'containers') return [];
  return faults.flatMap((f, i) => {
    if (!networkKinds.has(f.fault.kind)) return [];
    const onHost = namedNodes(f.fault).filter(runsOnHostWithContainers);
    return onHost.length ? [`faults[${i}] (${f.fault.kind}): ${onHost.join(', ')}`] : [];
  });
}

/** Throws, naming the faults and the reason, when a network fault names a node that has no network of its own on this provider. */
export function refuseHostNodesInPartitions(faults: readonly ScheduledFault[], provider: string): void {
  const found = hostNodesInPartitions(faults, provider);
  if (found.length === 0) return;
  throw new Error(
    `${found.join('; ')}: on --stack containers the API instances, workers and nginx run on the host, which reaches every container over the run's bridge; ` +
      'a partition cannot cut them or keep them on one side (every API would sit on both sides), so the fault means nothing there. Run it with --stack local, where each has a namespace of its own.',
  );
}
