import type { Fault, FaultIdentity } from './Fault.ts';
import type { NetworkNode } from './NetworkNode.ts';
import { addChainRules, removeChainRules } from './partitionChain.ts';

/** An iptables rule (matches, then `-j TARGET`) for one node's chain. */
export interface NodeRule {
  node: string;
  rule: string[];
}

/**
 * A fault made of iptables rules in the nodes' own chains, computed at inject time (a role's nodes
 * are found then). Inject puts each node's rules in one batch, the nodes side by side; heal removes this fault's rules,
 * tagged with its id, from every node, whoever the roles named at inject. Both safe to repeat.
 */
export function chainRuleFault(identity: FaultIdentity, nodes: Readonly<Record<string, NetworkNode>>, rulesAtInject: () => Promise<NodeRule[]>): Fault {
  return {
    ...identity,
    async inject() {
      const byNode = new Map<string, string[][]>();
      for (const { node, rule } of await rulesAtInject()) byNode.set(node, [...(byNode.get(node) ?? []), rule]);
      await Promise.all([...byNode].map(([node, rules]) => addChainRules(nodes[node]!, identity.id, rules)));
    },
    async heal() {
      await Promise.all(Object.values(nodes).map((node) => removeChainRules(node, identity.id)));
    },
  };
}
