import { type NodeResolver, UnknownTargetError } from '@flux-gate/chaos';
import { isRunRole, type RoleReader, runRoles } from '@flux-gate/stack';

/**
 * The resolver of the replicated topology: a node's own name is itself; a run-time role
 * (kafka-leader, kafka-follower, kafka-controller, redis-primary, redis-replica) is the node that
 * holds it now, asked of the stores, the first holder not already taken by the fault's earlier
 * targets. No holder is an error naming the role and what the stores said.
 */
export function roleResolver(reader: RoleReader): NodeResolver {
  return async (target, nodes, taken = []) => {
    if (nodes.includes(target)) return [target];
    if (!isRunRole(target)) throw new UnknownTargetError('node', target, [...nodes, ...runRoles]);
    const { holders } = await reader.read();
    const holder = holders[target].find((n) => nodes.includes(n) && !taken.includes(n));
    if (!holder) {
      const held = holders[target].length ? `held by ${holders[target].join(', ')}${taken.length ? `, taken already: ${taken.join(', ')}` : ''}` : 'no node holds it';
      throw new Error(`the role ${target} names no node now (${held})`);
    }
    return [holder];
  };
}
