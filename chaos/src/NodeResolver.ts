import { UnknownTargetError } from './UnknownTargetError.ts';

/**
 * Turns a fault's target into node names, at inject time: a node's own name, or a role ("the
 * orders leader", "the Redis primary") on a topology whose resolver asks the stores. A role names
 * one node, the first holder not among `taken` (the nodes a fault's earlier targets took), so that
 * a list can name two followers.
 */
export type NodeResolver = (target: string, nodes: readonly string[], taken?: readonly string[]) => string[] | Promise<string[]>;

/** Resolves a fault's targets in order, each with the nodes the earlier ones took; the union, without repeats. */
export async function resolveTargets(resolve: NodeResolver, targets: readonly string[], nodes: readonly string[]): Promise<string[]> {
  const taken: string[] = [];
  for (const target of targets) for (const node of await resolve(target, nodes, taken)) if (!taken.includes(node)) taken.push(node);
  return taken;
}

/** The resolver of plain node names: a name is itself; anything else is an UnknownTargetError. */
export const byNodeName: NodeResolver = (target, nodes) => {
  if (!nodes.includes(target)) throw new UnknownTargetError('node', target, nodes);
  return [target];
};
