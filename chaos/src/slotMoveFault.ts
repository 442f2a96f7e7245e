import type { Fault, FaultIdentity, RedisClusterControl } from './Fault.ts';

/**
 * Moves the Redis Cluster slot of `productId` from its primary to the next primary (by name) while
 * it sells. One-way: the slot stays where it went. Heal finishes a move that inject left half-done
 * (an error mid-migration), so that no slot is left IMPORTING or MIGRATING; after a whole move it
 * changes nothing. The record names the primary it left and the one it went to.
 */
export function slotMoveFault(identity: FaultIdentity, productId: string, cluster: RedisClusterControl): Fault {
  let move: { slot: number; from: string; to: string } | undefined;
  return {
    ...identity,
    resolved: () => (move ? { nodes: [move.from, move.to] } : undefined),
    async inject() {
      const shard = await cluster.shardOf(productId);
      const primaries = await cluster.primaries();
      const others = primaries.filter((p) => p !== shard.primary);
      const to = others.find((p) => p.localeCompare(shard.primary, 'en', { numeric: true }) > 0) ?? others[0];
      if (!to) throw new Error(`${identity.label}: ${shard.primary} is the only primary; there is nowhere to move slot ${shard.slot}`);
      move = { slot: shard.slot, from: shard.primary, to };
      await cluster.moveSlot(move.slot, move.from, move.to);
    },
    async heal() {
      if (move) await cluster.moveSlot(move.slot, move.from, move.to, true);
    },
  };
}
