/** Who drops whom: for each node, the nodes whose packets it drops (Jepsen's "grudge"). */
export type Grudge = Record<string, string[]>;

/** A shape of partition, over node names already resolved. */
export type PartitionShape =
  /** Each of these nodes cut from every other node. */
  | { shape: 'isolate'; nodes: string[] }
  /** These nodes, fewer than the rest, cut from the rest. */
  | { shape: 'split'; minority: string[] }
  /** `side` cut from the rest, except `bridge`, which still sees both sides. */
  | { shape: 'bridge'; bridge: string; side: string[] };

/** Both ways: every node of `a` drops every node of `b`, and the reverse. */
function cut(grudge: Grudge, a: string[], b: string[]): void {
  for (const x of a) grudge[x] = [...new Set([...(grudge[x] ?? []), ...b.filter((y) => y !== x)])];
  for (const y of b) grudge[y] = [...new Set([...(grudge[y] ?? []), ...a.filter((x) => x !== y)])];
}

/**
 * The grudge of a partition among `all` nodes; throws, naming the nodes, when the shape does not fit
 * them (a "minority" that is not one, a side that is every other node, a node that is not there).
 */
export function partitionGrudge(partition: PartitionShape, all: readonly string[]): Grudge {
  const named = partition.shape === 'isolate' ? partition.nodes : partition.shape === 'split' ? partition.minority : [partition.bridge, ...partition.side];
  const missing = named.filter((n) => !all.includes(n));
  if (missing.length) throw new Error(`partition names nodes that are not in the network: ${missing.join(', ')} (nodes: ${all.join(', ')})`);
  const grudge: Grudge = {};
  const rest = (except: string[]) => all.filter((n) => !except.includes(n));
  switch (partition.shape) {
    case 'isolate':
      for (const node of partition.nodes) cut(grudge, [node], rest([node]));
      break;
    case 'split': {
      const majority = rest(partition.minority);
      if (partition.minority.length >= majority.length)
        throw new Error(`split: the minority (${partition.minority.join(', ')}) must be fewer nodes than the majority (${majority.join(', ') || 'none'})`);
      cut(grudge, partition.minority, majority);
      break;
    }
    case 'bridge': {
      if (partition.side.includes(partition.bridge)) throw new Error(`bridge: ${partition.bridge} is the bridge and cannot be on a side`);
      const other = rest([partition.bridge, ...partition.side]);
      if (other.length === 0) throw new Error(`bridge: no node is left on the other side of ${partition.side.join(', ')} (nodes: ${all.join(', ')})`);
      cut(grudge, partition.side, other);
      break;
    }
  }
  return grudge;
}
