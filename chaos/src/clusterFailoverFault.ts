import type { Fault, FaultIdentity, RedisClusterControl } from './Fault.ts';

/** How long heal waits for another node to be the shard's primary. */
const failoverWaitMs = 30_000;

/**
 * A failover inside a Redis Cluster: inject finds the shard holding `productId`'s slot and asks its
 * replica to take over (CLUSTER FAILOVER); heal waits (up to 30 s) until another node is that
 * shard's primary, and throws saying so when none is. The other shards are untouched. The record
 * names the old primary and the replica asked.
 */
export function clusterFailoverFault(identity: FaultIdentity, productId: string, cluster: RedisClusterControl, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Fault {
  let before: { primary: string; replica: string } | undefined;
  return {
    ...identity,
    resolved: () => (before ? { nodes: [before.primary, before.replica] } : undefined),
    async inject() {
      const shard = await cluster.shardOf(productId);
      const [replica] = shard.replicas;
      if (!replica) throw new Error(`${identity.label}: the shard of ${shard.primary} (slot ${shard.slot}) has no replica to fail over to`);
      before = { primary: shard.primary, replica };
      await cluster.failover(replica);
    },
    async heal() {
      if (!before) return;
      const until = Date.now() + failoverWaitMs;
      for (;;) {
        const now = await cluster.shardOf(productId).catch(() => undefined);
        if (now && now.primary !== before.primary) return;
        if (Date.now() > until) throw new Error(`${identity.label}: ${now?.primary ?? 'no node'} is still the primary of ${productId}'s slot ${failoverWaitMs / 1000}s after ${before.replica} was asked to fail over`);
        await sleep(200);
      }
    },
  };
}
