import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyStartedStack, localProvider, startBalancer, type StartedBalancer } from '../src/index.ts';
import { alive } from '../src/childProcesses.ts';
import { waitFor } from '../src/waitFor.ts';

const quiet = () => {};
const hostPort = (a: string) => ({ host: a.split(':')[0]!, port: Number(a.split(':')[1]) });

describe('replicated local stack', () => {
  let stack: AnyStartedStack;
  beforeAll(async () => {
    stack = await localProvider.start({ topology: 'replicated', log: quiet });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('names every node with its roles and address: 3 Kafka nodes, a Redis primary, 2 replicas, 3 Sentinels, each in a namespace of its own, and 2 API nodes', async () => {
    const roles = Object.fromEntries(stack.topology.nodes.map((n) => [n.name, n.roles.join(',')]));
    expect(roles).toEqual({
      toxiproxy: 'toxiproxy',
      postgres: 'postgres',
      'kafka-1': 'kafka-broker,kafka-controller',
      'kafka-2': 'kafka-broker,kafka-controller',
      'kafka-3': 'kafka-broker,kafka-controller',
      'redis-1': 'redis-primary',
      'redis-2': 'redis-replica',
      'redis-3': 'redis-replica',
      'sentinel-1': 'redis-sentinel',
      'sentinel-2': 'redis-sentinel',
      'sentinel-3': 'redis-sentinel',
      'api-1': 'api',
      'api-2': 'api',
    });
    const network = stack.topology.network!;
    const inSubnet = (address: string) => address.startsWith(network.subnet.replace(/\.0\/24$/, '.'));
    expect(inSubnet(network.hostAddress)).toBe(true);
    for (const node of stack.topology.nodes) {
      if (node.part === 'postgres' || node.part === 'toxiproxy') {
        expect(node.host).toBe('127.0.0.1');
        expect(node.netnsPath).toBeUndefined();
      } else {
        expect(inSubnet(node.host)).toBe(true);
        expect(node.netnsPath).toBe(stack.networkNodes![node.name]!.netnsPath);
        expect(stack.networkNodes![node.name]!.address).toBe(node.host);
      }
      if (node.part === 'api') expect(stack.processes[node.name]).toBeUndefined();
      else expect(stack.processes[node.name]?.pid).toBeGreaterThan(0);
    }
    expect(new Set(stack.topology.nodes.filter((n) => n.netnsPath).map((n) => n.host)).size).toBe(11);
    // Each store's process runs in its node's namespace: the kernel's namespace of its pid is the node's.
    const { readlinkSync, statSync } = await import('node:fs');
    for (const name of ['kafka-2', 'redis-1', 'sentinel-3']) {
      const pid = stack.processes[name]!.pid!;
      expect(readlinkSync(`/proc/${pid}/ns/net`)).toBe(`net:[${statSync(stack.networkNodes![name]!.netnsPath).ino}]`);
    }
  });

  it('creates the orders topic on 3 replicas with 2 in sync, and never elects an unclean leader', async () => {
    const admin = new Admin({ clientId: 'replicated-test', bootstrapBrokers: stack.endpoints.kafkaBrokers });
    try {
      // As the API and the worker create it: no replication factor given, the brokers' default applies.
      await admin.createTopics({ topics: ['orders'], partitions: 4 });
      const metadata = () => admin.metadata({ topics: ['orders'], forceUpdate: true });
      // Every partition's leader is elected and its replicas caught up within a few seconds.
      await waitFor(
        async () => {
          if (!(await metadata()).topics.get('orders')!.partitions.every((p) => p.leader >= 0 && p.isr.length === 3)) throw new Error('replicas not in sync yet');
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      const cluster = await metadata();
      const partitions = cluster.topics.get('orders')!.partitions;
      expect(partitions).toHaveLength(4);
      for (const p of partitions) {
        expect(p.replicas).toHaveLength(3);
        expect(p.isr).toHaveLength(3);
      }
      const [configs] = await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: 'orders', configurationKeys: ['min.insync.replicas', 'unclean.leader.election.enable'] }],
      });
      const values = Object.fromEntries(configs!.configs.map((c) => [c.name, c.value]));
      expect(values).toEqual({ 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' });
      expect(cluster.brokers.size).toBe(3);
    } finally {
      await admin.close();
    }
  });

  it('every Sentinel names redis-1 as the primary, and a client through them writes there and reads it on a replica', async () => {
    const sentinels = stack.endpoints.redisSentinels!;
    const primary = stack.topology.nodes.find((n) => n.name === 'redis-1')!;
    for (const address of sentinels.sentinels) {
      const sentinel = new Redis(hostPort(address));
      expect(await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', sentinels.name)).toEqual([primary.host, String(primary.ports.client)]);
      sentinel.disconnect();
    }
    const client = new Redis({ sentinels: sentinels.sentinels.map(hostPort), name: sentinels.name });
    await client.set('replicated', 'yes');
    expect(await client.info('replication')).toMatch(/role:master[\s\S]*connected_slaves:2/);
    client.disconnect();
    const replicaNode = stack.topology.nodes.find((n) => n.name === 'redis-2')!;
    const replica = new Redis(replicaNode.ports.client!, replicaNode.host);
    await expect.poll(() => replica.get('replicated'), { timeout: 2000 }).toBe('yes');
    replica.disconnect();
  });

  it('stop ends every node and removes its folder, namespaces and bridge', async () => {
    const pids = stack.topology.nodes.flatMap((n) => (stack.processes[n.name] ? [stack.processes[n.name]!.pid!] : []));
    const netnsPaths = Object.values(stack.networkNodes!).map((n) => n.netnsPath);
    await stack.stop();
    const { existsSync } = await import('node:fs');
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(existsSync(stack.dir)).toBe(false);
    for (const path of netnsPaths) expect(existsSync(path)).toBe(false);
    expect(existsSync(`/sys/class/net/${stack.topology.network!.bridge}`)).toBe(false);
  });
});

describe('nginx in front of two upstreams', () => {
  const seen: Record<string, number> = { a: 0, b: 0 };
  const servers: Server[] = [];
  let balancer: StartedBalancer;
  let dir: AnyStartedStack['dir'];
  const upstream = (name: string, onPost?: (res: import('node:http').ServerResponse) => void) =>
    new Promise<Server>((resolve) => {
      const server = createServer((req, res) => {
        seen[name]!++;
        if (req.method === 'POST' && onPost) return onPost(res);
        res.end(name);
      });
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  let dieOnPost = false;

  beforeAll(async () => {
    const { chmodSync, mkdtempSync, mkdirSync } = await import('node:fs');
    dir = mkdtempSync('/tmp/fg-nginx-');
    chmodSync(dir, 0o755); // nginx's workers run as nobody when the harness is root
    mkdirSync(`${dir}/logs`);
    servers.push(await upstream('a', (res) => (dieOnPost ? res.socket?.destroy() : res.end('a'))), await upstream('b'));
    balancer = await startBalancer({
      dir,
      logDir: `${dir}/logs`,
      upstreams: servers.map((s) => `127.0.0.1:${(s.address() as AddressInfo).port}`),
      pages: [{ path: '/waiting-room', contentType: 'text/html; charset=utf-8', headers: { 'content-security-policy': "default-src 'none'" }, body: '<p>wait</p>' }],
      readyPath: '/',
      readyTimeoutMs: 10_000,
      log: quiet,
    });
  });
  afterAll(async () => {
    await balancer?.process.stop();
    for (const s of servers) s.close();
    if (dir) (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
  });

  it('spreads requests over both upstreams', async () => {
    const answers = new Set<string>();
    for (let i = 0; i < 10; i++) answers.add(await (await fetch(`${balancer.url}/x`)).text());
    expect([...answers].sort()).toEqual(['a', 'b']);
  });

  it('serves the waiting room from its file, with the page headers, whatever the upstreams', async () => {
    const before = seen.a! + seen.b!;
    const res = await fetch(`${balancer.url}/waiting-room?productId=p&ticket=t`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(await res.text()).toBe('<p>wait</p>');
    expect(seen.a! + seen.b!).toBe(before);
  });

  it('answers 502 for a POST its upstream took and died on, and never sends it to the other', async () => {
    dieOnPost = true;
    const postsTo = async () => {
      seen.a = 0;
      seen.b = 0;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(`${balancer.url}/order`, { method: 'POST', body: '{}' })).status);
      return statuses;
    };
    const statuses = await postsTo();
    expect(statuses).toContain(502);
    // Every POST reached exactly one upstream: the ones a took were answered 502, not retried on b.
    expect(seen.a! + seen.b!).toBe(6);
    expect(statuses.filter((s) => s === 502)).toHaveLength(seen.a!);
    dieOnPost = false;
  });

  it('sends a request to the other upstream when one refuses connections', async () => {
    const a = servers[0]!;
    await new Promise((resolve) => a.close(resolve));
    a.closeAllConnections();
    seen.b = 0;
    for (let i = 0; i < 6; i++) expect((await fetch(`${balancer.url}/order`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect(seen.b).toBe(6);
  });

  it('leaves nothing running after stop', async () => {
    const pid = balancer.process.pid!;
    await balancer.process.stop();
    expect(alive(pid)).toBe(false);
  });
});
