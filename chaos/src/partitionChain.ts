import type { NetworkNode } from './NetworkNode.ts';

/** The project's own chain in each node's filter table; INPUT jumps to it first. */
export const partitionChain = 'FLUXGATE';

const succeeds = (run: Promise<unknown>) => run.then(() => true, () => false);

/**
 * Makes the chain and puts the jump to it first in INPUT: before any "ESTABLISHED accept", so a
 * drop cuts live connections as well as new ones (a DROP consults no connection state, so conntrack
 * need not be flushed). Safe to repeat.
 */
export async function ensurePartitionChain(node: NetworkNode): Promise<void> {
  if (!(await succeeds(node.exec('iptables', ['-S', partitionChain])))) await node.exec('iptables', ['-N', partitionChain]);
  if (!(await succeeds(node.exec('iptables', ['-C', 'INPUT', '-j', partitionChain])))) await node.exec('iptables', ['-I', 'INPUT', '1', '-j', partitionChain]);
}

/** The comment that tags a fault's rules, so its heal removes those and no other fault's. */
export const ruleTag = (faultId: string) => `fluxgate:${faultId.replace(/[^\w.:-]/g, '_')}`;

/** Appends the rule (matches and target, tagged with the fault) to the node's chain unless it is there. */
export async function addChainRule(node: NetworkNode, faultId: string, rule: string[]): Promise<void> {
  const tagged = [...rule.slice(0, -2), '-m', 'comment', '--comment', ruleTag(faultId), ...rule.slice(-2)];
  await ensurePartitionChain(node);
  if (!(await succeeds(node.exec('iptables', ['-C', partitionChain, ...tagged])))) await node.exec('iptables', ['-A', partitionChain, ...tagged]);
}

/**
 * Deletes every rule of the node's chain tagged with the fault, each by its own spec (not by number:
 * two faults healing on one node at once would shift each other's numbers); nothing when the chain is
 * not there.
 */
export async function removeChainRules(node: NetworkNode, faultId: string): Promise<void> {
  const listing = await node.exec('iptables', ['-S', partitionChain]).catch(() => '');
  const tag = ruleTag(faultId);
  // iptables -S prints the comment quoted ("fluxgate:…") with the nftables back end, bare with legacy;
  // a tag holds no space, so the words of a line are its arguments once the quotes are gone.
  const rules = listing
    .split('\n')
    .filter((line) => line.startsWith(`-A ${partitionChain} `))
    .map((line) => line.split(' ').map((word) => word.replace(/^"|"$/g, '')))
    .filter((words) => words.includes(tag));
  for (const words of rules) await node.exec('iptables', ['-D', ...words.slice(1)]);
}

/** Empties the node's chain: every partition and loss rule of every fault. */
export async function flushPartitionChain(node: NetworkNode): Promise<void> {
  if (await succeeds(node.exec('iptables', ['-S', partitionChain]))) await node.exec('iptables', ['-F', partitionChain]);
}
