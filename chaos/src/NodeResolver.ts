import { UnknownTargetError } from './UnknownTargetError.ts';

/**
 * Turns a fault's target into node names, at inject time: a node's own name today; a role ("the
 * orders leader", "the Redis primary") once the topology provides a resolver that asks the stores.
 */
export type NodeResolver = (target: string, nodes: readonly string[]) => string[] | Promise<string[]>;

/** The resolver of plain node names: a name is itself; anything else is an UnknownTargetError. */
export const byNodeName: NodeResolver = (target, nodes) => {
  if (!nodes.includes(target)) throw new UnknownTargetError('node', target, nodes);
  return [target];
};
