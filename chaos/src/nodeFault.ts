import { chainRuleFault, type NodeRule } from './chainRuleFault.ts';
import type { Fault, FaultIdentity } from './Fault.ts';
import type { NodeFaultSpec } from './faultSpec.ts';
import { netemFault } from './netemFault.ts';
import type { NetworkNode } from './NetworkNode.ts';
import type { NodeResolver } from './NodeResolver.ts';
import { partitionGrudge, type PartitionShape } from './partitionGrudge.ts';

/**
 * A fault between nodes. A partition is a DROP, in the destination's own chain, of each peer it is
 * cut from (both ways, so a cut is symmetric); loss is a random DROP of what reaches the node's
 * interface (iptables statistic); netem is a qdisc on its interface. Targets are resolved at inject.
 */
export function nodeFault(spec: NodeFaultSpec, identity: FaultIdentity, nodes: Readonly<Record<string, NetworkNode>>, resolve: NodeResolver): Fault {
  const names = Object.keys(nodes);
  const resolveAll = async (targets: string[]) => [...new Set((await Promise.all(targets.map((t) => resolve(t, names)))).flat())];
  const one = async (target: string, role: string) => {
    const resolved = await resolveAll([target]);
    if (resolved.length !== 1) throw new Error(`${identity.label}: the ${role} "${target}" must be one node, it is ${resolved.length ? resolved.join(', ') : 'none'}`);
    return resolved[0]!;
  };
  switch (spec.kind) {
    case 'isolate':
    case 'split':
    case 'bridge':
      return chainRuleFault(identity, nodes, async () => {
        const shape: PartitionShape =
          spec.kind === 'isolate'
            ? { shape: 'isolate', nodes: await resolveAll([spec.node]) }
            : spec.kind === 'split'
              ? { shape: 'split', minority: await resolveAll(spec.minority) }
              : { shape: 'bridge', bridge: await one(spec.node, 'bridge'), side: await resolveAll(spec.side) };
        const grudge = partitionGrudge(shape, names);
        return Object.entries(grudge).flatMap(([node, peers]): NodeRule[] => peers.map((peer) => ({ node, rule: ['-s', nodes[peer]!.address, '-j', 'DROP'] })));
      });
    case 'loss':
      return chainRuleFault(identity, nodes, async () =>
        (await resolveAll([spec.node])).map((node) => ({
          node,
          rule: ['-i', nodes[node]!.interface, '-m', 'statistic', '--mode', 'random', '--probability', String(spec.percent / 100), '-j', 'DROP'],
        })),
      );
    case 'netem':
      return netemFault(spec, identity, async () => (await resolveAll([spec.node])).map((n) => nodes[n]!), Object.values(nodes));
  }
}
