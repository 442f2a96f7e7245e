import { chainRuleFault, type NodeRule } from './chainRuleFault.ts';
import type { Fault, FaultIdentity, ResolvedTargets } from './Fault.ts';
import type { NodeFaultSpec } from './faultSpec.ts';
import { netemFault } from './netemFault.ts';
import type { NetworkNode } from './NetworkNode.ts';
import { type NodeResolver, resolveTargets } from './NodeResolver.ts';
import { partitionGrudge, type PartitionShape } from './partitionGrudge.ts';

/** The sides of a partition that cannot reach each other (a bridge node is on neither). */
function sidesOf(shape: PartitionShape, all: readonly string[]): string[][] {
  const rest = (except: string[]) => all.filter((n) => !except.includes(n));
  switch (shape.shape) {
    case 'isolate':
      return [...shape.nodes.map((n) => [n]), rest(shape.nodes)];
    case 'split':
      return [shape.minority, rest(shape.minority)];
    case 'bridge':
      return [shape.side, rest([shape.bridge, ...shape.side])];
  }
}

/**
 * A fault between nodes. A partition is a DROP, in the destination's own chain, of each peer it is
 * cut from (both ways, so a cut is symmetric); loss is a random DROP of what reaches the node's
 * interface (iptables statistic), or with `from` only of what those peers send it; netem is a
 * qdisc on its interface. Targets are resolved at inject; `resolved()` names them afterwards.
 */
export function nodeFault(spec: NodeFaultSpec, identity: FaultIdentity, nodes: Readonly<Record<string, NetworkNode>>, resolve: NodeResolver): Fault {
  const names = Object.keys(nodes);
  let resolved: ResolvedTargets | undefined;
  const resolveAll = (targets: string[]) => resolveTargets(resolve, targets, names);
  const one = async (target: string, role: string) => {
    const found = await resolveAll([target]);
    if (found.length !== 1) throw new Error(`${identity.label}: the ${role} "${target}" must be one node, it is ${found.length ? found.join(', ') : 'none'}`);
    return found[0]!;
  };
  const withResolved = (fault: Fault): Fault => ({ ...fault, resolved: () => resolved });
  switch (spec.kind) {
    case 'isolate':
    case 'split':
    case 'bridge':
      return withResolved(
        chainRuleFault(identity, nodes, async () => {
          const shape: PartitionShape =
            spec.kind === 'isolate'
              ? { shape: 'isolate', nodes: await resolveAll([spec.node]) }
              : spec.kind === 'split'
                ? { shape: 'split', minority: await resolveAll(spec.minority) }
                : await (async () => {
                    const bridge = await one(spec.node, 'bridge');
                    // The side's roles are found among the nodes the bridge did not take.
                    const side = (await resolveTargets((t, n, taken) => resolve(t, n, [bridge, ...(taken ?? [])]), spec.side, names)).filter((n) => n !== bridge);
                    return { shape: 'bridge' as const, bridge, side };
                  })();
          const grudge = partitionGrudge(shape, names);
          const groups = sidesOf(shape, names);
          resolved = { nodes: [...new Set(shape.shape === 'isolate' ? shape.nodes : shape.shape === 'split' ? shape.minority : [shape.bridge, ...shape.side])], groups };
          return Object.entries(grudge).flatMap(([node, peers]): NodeRule[] => peers.map((peer) => ({ node, rule: ['-s', nodes[peer]!.address, '-j', 'DROP'] })));
        }),
      );
    case 'loss':
      return withResolved(
        chainRuleFault(identity, nodes, async () => {
          const into = await resolveAll([spec.node]);
          const from = spec.from ? await resolveTargets((t, n, taken) => resolve(t, n, [...into, ...(taken ?? [])]), spec.from, names) : undefined;
          resolved = { nodes: [...into, ...(from ?? [])] };
          const statistic = ['-m', 'statistic', '--mode', 'random', '--probability', String(spec.percent / 100), '-j', 'DROP'];
          return into.flatMap((node): NodeRule[] =>
            from ? from.filter((peer) => peer !== node).map((peer) => ({ node, rule: ['-s', nodes[peer]!.address, ...statistic] })) : [{ node, rule: ['-i', nodes[node]!.interface, ...statistic] }],
          );
        }),
      );
    case 'netem':
      return withResolved(
        netemFault(spec, identity, async () => {
          const found = await resolveAll([spec.node]);
          resolved = { nodes: found };
          return found.map((n) => nodes[n]!);
        }, Object.values(nodes)),
      );
  }
}
