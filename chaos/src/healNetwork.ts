import type { NetworkNode } from './NetworkNode.ts';
import { removeNetem } from './netemFault.ts';
import { flushPartitionChain } from './partitionChain.ts';

/** Heals every partition and loss (flushes the project's chain) and every netem qdisc, on every node. */
export async function healNetwork(nodes: Readonly<Record<string, NetworkNode>>): Promise<void> {
  await Promise.all(
    Object.values(nodes).map(async (node) => {
      await flushPartitionChain(node);
      await removeNetem(node);
    }),
  );
}
