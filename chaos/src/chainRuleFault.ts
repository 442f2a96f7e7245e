import type { Fault, FaultIdentity } from './Fault.ts';
import type { NetworkNode } from './NetworkNode.ts';
import { addChainRule, removeChainRules } from './partitionChain.ts';

/** An iptables rule (matches, then `-j TARGET`) for one node's chain. */
export interface NodeRule {
  node: string;
  rule: string[];
}

/**
 * A fault made of iptables rules in the nodes' own chains, computed at inject time (a role's nodes
 * are found then). Inject adds each rule that is not there yet; heal removes this fault's rules,
 * tagged with its id, from every node, whoever the roles named at inject. Both safe to repeat.
 */
export function chainRuleFault(identity: FaultIdentity, nodes: Readonly<Record<string, NetworkNode>>, rulesAtInject: () => Promise<NodeRule[]>): Fault {
  return {
    ...identity,
    async inject() {
      for (const { node, rule } of await rulesAtInject()) await addChainRule(nodes[node]!, identity.id, rule);
    },
    async heal() {
      await Promise.all(Object.values(nodes).map((node) => removeChainRules(node, identity.id)));
    },
  };
}
