import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyStartedStack, containersProvider, runOrThrow } from '../src/index.ts';

// Real Docker: the engine and the images the global setup provisioned (provisionContainers.ts).
const hostPort = (a: string) => ({ host: a.slice(0, a.lastIndexOf(':')), port: Number(a.slice(a.lastIndexOf(':') + 1)) });
const labelled = async (label: string) => (await runOrThrow('docker', ['ps', '-aq', '--filter', `label=${label}`])).trim().split('\n').filter(Boolean);

describe('cluster containers stack', () => {
  let stack: AnyStartedStack;
  beforeAll(async () => {
    stack = await containersProvider.start({ topology: 'cluster', log: () => {} });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs a Redis Cluster of 3 primaries, each followed by its replica, one container each, every slot covered', async () => {
    const redisNodes = stack.topology.nodes.filter((n) => n.part === 'redis');
    expect(redisNodes.map((n) => `${n.name}:${n.roles.join(',')}:${n.follows ?? ''}`)).toEqual([
      'redis-1:redis-primary:',
      'redis-2:redis-primary:',
      'redis-3:redis-primary:',
      'redis-4:redis-replica:redis-1',
      'redis-5:redis-replica:redis-2',
      'redis-6:redis-replica:redis-3',
    ]);
    expect(stack.topology.shape).toBe('cluster');
    expect(stack.endpoints.redisSentinels).toBeUndefined();
    const cluster = new Cluster(stack.endpoints.redisCluster!.map(hostPort), { scaleReads: 'master' });
    cluster.on('error', () => {});
    try {
      const slots = (await cluster.cluster('SLOTS')) as unknown as [number, number, [string, number], [string, number]][];
      expect(slots.reduce((sum, [from, to]) => sum + to - from + 1, 0)).toBe(16384);
      const name = ([host, port]: [string, number]) => redisNodes.find((n) => n.host === host && n.ports.client === port)!.name;
      expect(slots.map(([, , primary, replica]) => `${name(primary)}<-${name(replica)}`).sort()).toEqual(['redis-1<-redis-4', 'redis-2<-redis-5', 'redis-3<-redis-6']);
      await cluster.set('{sale:p-1}:stock', '7');
      const primary = redisNodes.find((n) => n.name === name(slots.find(([from, to]) => 6128 >= from && 6128 <= to)![2]))!;
      const direct = new Redis({ host: primary.host, port: primary.ports.client!, lazyConnect: true });
      await direct.connect();
      expect(await direct.get('{sale:p-1}:stock')).toBe('7');
      direct.disconnect();
    } finally {
      cluster.disconnect();
    }
  });

  it('stop removes every container', async () => {
    const label = stack.containers!.label;
    // The API nodes have addresses but no container until the system starts one there.
    expect((await labelled(label)).length).toBe(stack.topology.nodes.filter((n) => n.part !== 'api').length);
    await stack.stop();
    expect(await labelled(label)).toEqual([]);
  });
});
