import { Redis } from 'ioredis';
import { waitFor } from './waitFor.ts';

/** A started Redis Cluster node (cluster-enabled, knowing no other node yet); a replica names the node it follows. */
export interface ClusterMember {
  name: string;
  host: string;
  port: number;
  follows?: string;
}

const slotCount = 16384;

/** The slots of shard i of n: an even split of 0..16383, as `redis-cli --cluster create` makes it. */
export function shardSlots(i: number, n: number): [number, number] {
  return [Math.floor((i * slotCount) / n), Math.floor(((i + 1) * slotCount) / n) - 1];
}

/** The `key:value` lines of CLUSTER INFO or INFO. */
export const infoFields = (text: string): Record<string, string> =>
  Object.fromEntries(text.split(/\r?\n/).flatMap((line) => (line.includes(':') ? [[line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]] : [])));

/**
 * Joins started cluster nodes into one Redis Cluster, the way `redis-cli --cluster create` does but
 * with the shards as the data says: each primary (a member that follows nobody) takes an even range
 * of the 16384 slots and a config epoch of its own, the first node MEETs the others, each replica
 * REPLICATEs the node it follows once every node knows every other, and the cluster is ready once
 * every node answers cluster_state:ok, knows all the nodes, and every replica's link is up.
 */
export async function formRedisCluster(members: ClusterMember[], options: { timeoutMs: number; abort?: () => string | undefined }): Promise<void> {
  const clients = new Map(members.map((m) => [m.name, new Redis({ host: m.host, port: m.port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 100 })]));
  const client = (name: string) => clients.get(name)!;
  for (const c of clients.values()) c.on('error', () => {});
  const wait = (check: () => Promise<unknown>) => waitFor(check, { timeoutMs: options.timeoutMs, intervalMs: 100, ...(options.abort ? { abort: options.abort } : {}) });
  try {
    await Promise.all([...clients.values()].map((c) => c.connect()));
    const primaries = members.filter((m) => m.follows === undefined);
    await Promise.all(
      members.map(async (m, i) => {
        await client(m.name).call('CLUSTER', 'SET-CONFIG-EPOCH', i + 1);
        const shard = primaries.indexOf(m);
        if (shard >= 0) await client(m.name).call('CLUSTER', 'ADDSLOTSRANGE', ...shardSlots(shard, primaries.length));
      }),
    );
    const [first, ...others] = members as [ClusterMember, ...ClusterMember[]];
    await Promise.all(others.map((m) => client(first.name).call('CLUSTER', 'MEET', m.host, m.port)));
    await wait(async () => {
      for (const m of members) {
        const known = Number(infoFields(String(await client(m.name).call('CLUSTER', 'INFO')))['cluster_known_nodes']);
        if (known < members.length) throw new Error(`${m.name} knows ${known} of ${members.length} nodes`);
      }
    });
    const ids = new Map(await Promise.all(primaries.map(async (p) => [p.name, String(await client(p.name).call('CLUSTER', 'MYID'))] as const)));
    // A replica can follow its primary once it has learnt the primary's id through gossip.
    await wait(() =>
      Promise.all(
        members.flatMap((m) => {
          if (m.follows === undefined) return [];
          const id = ids.get(m.follows);
          if (!id) throw new Error(`${m.name} follows ${m.follows}, which is not a primary of this cluster`);
          return [client(m.name).call('CLUSTER', 'REPLICATE', id)];
        }),
      ),
    );
    await wait(async () => {
      for (const m of members) {
        const info = infoFields(String(await client(m.name).call('CLUSTER', 'INFO')));
        if (info['cluster_state'] !== 'ok') throw new Error(`${m.name} answers cluster_state:${info['cluster_state']}`);
        if (m.follows !== undefined && infoFields(await client(m.name).info('replication'))['master_link_status'] !== 'up') throw new Error(`${m.name}'s link to ${m.follows} is not up yet`);
        // Every node also names a replica beside each shard's primary in CLUSTER SLOTS (gossip may lag the link), as a Cluster client reads it.
        if (members.some((r) => r.follows !== undefined)) {
          const ranges = (await client(m.name).call('CLUSTER', 'SLOTS')) as unknown[][];
          if (ranges.some((r) => r.length < 4)) throw new Error(`${m.name} does not list a replica for every shard yet`);
        }
      }
    });
  } finally {
    for (const c of clients.values()) c.disconnect();
  }
}
