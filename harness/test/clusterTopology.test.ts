import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { redisKeys } from '@flux-gate/contracts';
import { alive, type AnyStartedStack, localProvider, RoleReader } from '@flux-gate/stack';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFault } from '@flux-gate/chaos';
import { clusterControl } from '../src/roles/clusterControl.ts';
import { type StartedSystem, startSystem } from '../src/services/startSystem.ts';

const hostPort = (a: string) => ({ host: a.slice(0, a.lastIndexOf(':')), port: Number(a.slice(a.lastIndexOf(':') + 1)) });
/** Products whose {sale:<id>} tags fall in different shards of the even 3-way split (slots 0-5460, 5461-10922, 10923-16383). */
const products = ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5'];

describe('the cluster topology (local)', () => {
  let stack: AnyStartedStack;
  let system: StartedSystem;
  let cluster: Cluster;
  beforeAll(async () => {
    stack = await localProvider.start({ topology: 'cluster', apiNodes: 2, log: () => {} });
    system = await startSystem(stack, { apiInstances: 2 });
    cluster = new Cluster(stack.endpoints.redisCluster!.map(hostPort), { scaleReads: 'master' });
    cluster.on('error', () => {});
  }, 240_000);
  afterAll(async () => {
    cluster?.disconnect();
    await system?.stop();
    await stack?.stop();
  });

  it('has 3 primaries each followed by one replica, every slot covered, each node in a namespace of its own', async () => {
    const redisNodes = stack.topology.nodes.filter((n) => n.part === 'redis');
    expect(redisNodes.map((n) => [n.name, n.roles.join(','), n.follows ?? ''])).toEqual([
      ['redis-1', 'redis-primary', ''],
      ['redis-2', 'redis-primary', ''],
      ['redis-3', 'redis-primary', ''],
      ['redis-4', 'redis-replica', 'redis-1'],
      ['redis-5', 'redis-replica', 'redis-2'],
      ['redis-6', 'redis-replica', 'redis-3'],
    ]);
    expect(new Set(redisNodes.map((n) => n.netnsPath)).size).toBe(6);
    const slots = (await cluster.cluster('SLOTS')) as unknown as [number, number, [string, number], [string, number]][];
    expect(slots.reduce((sum, [from, to]) => sum + to - from + 1, 0)).toBe(16384);
    const owner = (address: [string, number]) => redisNodes.find((n) => n.host === address[0] && n.ports.client === address[1])!.name;
    expect(slots.map(([, , primary, replica]) => [owner(primary), owner(replica)]).sort()).toEqual([
      ['redis-1', 'redis-4'],
      ['redis-2', 'redis-5'],
      ['redis-3', 'redis-6'],
    ]);
    const reading = await new RoleReader(stack.topology, stack.endpoints, 'orders').read();
    expect(reading.holders['redis-primary'].sort()).toEqual(['redis-1', 'redis-2', 'redis-3']);
    expect(reading.holders['redis-replica'].sort()).toEqual(['redis-4', 'redis-5', 'redis-6']);
  });

  it('sells through the API on every shard: each take lands on its product slot primary, which its replica holds', async () => {
    for (const id of products) await system.armSale(id, 5);
    const shards = new Set<string>();
    for (const [i, productId] of products.entries()) {
      const res = await fetch(`${system.loadUrls[0]}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId, userId: `u-${i}` }) });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await cluster.get(redisKeys.stock(productId))).toBe('4');
      const slot = Number(await cluster.cluster('KEYSLOT', redisKeys.stock(productId)));
      const [, , [host, port]] = ((await cluster.cluster('SLOTS')) as unknown as [number, number, [string, number]][]).find(([from, to]) => slot >= from && slot <= to)!;
      shards.add(`${host}:${port}`);
      // WAIT 1 before the 200: the shard's replica already holds the decrement.
      const replicaAddress = stack.topology.nodes.find((n) => n.follows === stack.topology.nodes.find((p) => p.host === host && p.ports.client === port)!.name)!;
      const replica = new Redis({ host: replicaAddress.host, port: replicaAddress.ports.client!, lazyConnect: true });
      await replica.connect();
      await replica.call('READONLY');
      expect(await replica.get(redisKeys.stock(productId))).toBe('4');
      replica.disconnect();
    }
    expect(shards.size).toBe(3);
  });

  it('a slot move and a failover fence only the products of the slot or shard they touch, which are rebuilt and sell again', async () => {
    const control = clusterControl(stack.topology.nodes);
    const order = (productId: string, userId: string) =>
      fetch(`${system.loadUrls[0]}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ productId, userId }) }).then((r) => r.status);
    const sellsAgain = (productId: string, userId: string) => expect.poll(() => order(productId, `${userId}-${Date.now()}`), { timeout: 30_000, interval: 500 }).toBe(200);

    const before = await control.shardOf('p-3');
    const move = createFault({ kind: 'slot-move', product: 'p-3' }, { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: {}, redisCluster: control });
    await move.inject();
    await move.heal();
    const after = await control.shardOf('p-3');
    expect(after.slot).toBe(before.slot);
    expect(after.primary).not.toBe(before.primary);
    expect(move.resolved!()!.nodes).toEqual([before.primary, after.primary]);
    expect(await cluster.get(redisKeys.stock('p-3'))).toBe('4');
    // Armed on another primary: fenced (503) until rebuilt from PostgreSQL; p-0 on another shard sells meanwhile.
    expect(await order('p-3', 'mover-1')).toBe(503);
    expect(await order('p-0', 'bystander-1')).toBe(200);
    await sellsAgain('p-3', 'mover-2');

    const shard = await control.shardOf('p-1');
    const failover = createFault({ kind: 'cluster-failover', product: 'p-1' }, { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: {}, redisCluster: control });
    await failover.inject();
    await failover.heal();
    expect((await control.shardOf('p-1')).primary).toBe(shard.replicas[0]);
    await sellsAgain('p-1', 'failover-1');
    const reading = await new RoleReader(stack.topology, stack.endpoints, 'orders').read();
    expect(reading.holders['redis-primary']).toContain(shard.replicas[0]);
    expect(reading.holders['redis-replica']).toContain(shard.primary);
  }, 90_000);

  it('stop() ends every node and removes every namespace and the bridge', async () => {
    const pids = Object.values(stack.processes).map((p) => p.pid!).filter(Boolean);
    const namespaces = stack.topology.nodes.flatMap((n) => (n.netnsPath ? [n.netnsPath] : []));
    const bridge = stack.topology.network!.bridge;
    await system.stop();
    await stack.stop();
    expect(pids.filter((pid) => alive(pid))).toEqual([]);
    expect(namespaces.filter((path) => existsSync(path))).toEqual([]);
    expect(execFileSync('ip', ['-o', 'link', 'show']).toString()).not.toContain(`${bridge}:`);
  });
});
