import type { ClusterShard, RedisClusterControl } from '@flux-gate/chaos';
import { redisKeys } from '@flux-gate/contracts';
import type { StackNode } from '@flux-gate/stack';
import { Redis } from 'ioredis';

type SlotRange = [number, number, [string, number, ...unknown[]], ...[string, number, ...unknown[]][]];

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
/** Keys moved per MIGRATE. */
const migrateBatch = 100;

/**
 * The Redis Cluster of a stack, for the faults inside it. Each question opens a connection to a
 * node by name and closes it; the slot map is read from the first node that answers (a killed
 * node does not), and node addresses map back to node names through the topology.
 */
export function clusterControl(nodes: readonly StackNode[]): RedisClusterControl {
  const members = nodes.filter((n) => n.part === 'redis' && n.ports.client !== undefined);
  const nameAt = (host: string, port: number) => members.find((n) => n.host === host && n.ports.client === port)?.name ?? `${host}:${port}`;
  const withNode = async <T>(name: string, use: (client: Redis) => Promise<T>): Promise<T> => {
    const node = members.find((n) => n.name === name);
    if (!node) throw new Error(`no Redis Cluster node named ${name}; the nodes are ${members.map((n) => n.name).join(', ')}`);
    const client = new Redis({ host: node.host, port: node.ports.client!, lazyConnect: true, connectTimeout: 1000, commandTimeout: 10_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      return await use(client);
    } finally {
      client.disconnect();
    }
  };
  const fromAny = async <T>(use: (client: Redis) => Promise<T>): Promise<T> => {
    const errors: string[] = [];
    for (const node of members) {
      try {
        return await withNode(node.name, use);
      } catch (err) {
        errors.push(`${node.name}: ${(err as Error).message}`);
      }
    }
    throw new Error(`no Redis Cluster node answered: ${errors.join('; ')}`);
  };
  const slotMap = () => fromAny(async (c) => (await c.call('CLUSTER', 'SLOTS')) as SlotRange[]);
  const idOf = (name: string) => withNode(name, async (c) => String(await c.call('CLUSTER', 'MYID')));

  return {
    async shardOf(productId) {
      const slot = Number(await fromAny((c) => c.call('CLUSTER', 'KEYSLOT', redisKeys.stock(productId))));
      const range = (await slotMap()).find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no primary holds slot ${slot} of ${productId}`);
      const [, , primary, ...replicas] = range;
      return { slot, primary: nameAt(primary[0], primary[1]), replicas: replicas.map((r) => nameAt(r[0], r[1])) } satisfies ClusterShard;
    },
    async primaries() {
      const ranges = await slotMap();
      return [...new Set(ranges.map(([, , primary]) => nameAt(primary[0], primary[1])))].sort(byName);
    },
    async failover(replica) {
      await withNode(replica, (c) => c.call('CLUSTER', 'FAILOVER'));
    },
    async moveSlot(slot, from, to, finishOnly = false) {
      const [fromId, toId] = await Promise.all([idOf(from), idOf(to)]);
      const target = members.find((n) => n.name === to)!;
      if (!finishOnly) {
        await withNode(to, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId));
        await withNode(from, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId));
      }
      await withNode(from, async (c) => {
        for (;;) {
          const keys = (await c.call('CLUSTER', 'GETKEYSINSLOT', slot, migrateBatch)) as string[];
          if (keys.length === 0) return;
          await c.call('MIGRATE', target.host, target.ports.client!, '', 0, 5000, 'KEYS', ...keys);
        }
      });
      const others = (await this.primaries()).filter((p) => p !== from && p !== to);
      for (const name of [to, from, ...others]) await withNode(name, (c) => c.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId));
    },
  };
}
