import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ContainerProcess } from '../src/containers/ContainerProcess.ts';
import { type AnyStartedStack, containersProvider, runOrThrow, waitFor } from '../src/index.ts';

// Real Docker: the engine and the images the global setup provisioned (provisionContainers.ts).
const docker = (...args: string[]) => runOrThrow('docker', args);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const labelled = async (what: 'ps' | 'network', label: string) =>
  (await docker(...(what === 'ps' ? ['ps', '-aq'] : ['network', 'ls', '-q']), '--filter', `label=${label}`)).trim().split('\n').filter(Boolean);
const hostPort = (a: string) => ({ host: a.split(':')[0]!, port: Number(a.split(':')[1]) });
const storeNodes = (stack: AnyStartedStack) => stack.topology.nodes.filter((n) => n.part !== 'api');
const statusOf = (url: string) => fetch(url, { signal: AbortSignal.timeout(3000) }).then((r) => r.status, () => 0);

describe('replicated containers stack', () => {
  let stack: AnyStartedStack;
  let startSeconds: number;
  beforeAll(async () => {
    const started = performance.now();
    stack = await containersProvider.start({ topology: 'replicated', log: () => {} });
    startSeconds = (performance.now() - started) / 1000;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs each node in a container of its own, at its own address of one internal network, in its own namespace, publishing nothing', async () => {
    expect(stack.topology.nodes.map((n) => `${n.name}:${n.roles.join(',')}`)).toEqual([
      'toxiproxy:toxiproxy',
      'postgres:postgres',
      'kafka-1:kafka-broker,kafka-controller',
      'kafka-2:kafka-broker,kafka-controller',
      'kafka-3:kafka-broker,kafka-controller',
      'redis-1:redis-primary',
      'redis-2:redis-replica',
      'redis-3:redis-replica',
      'sentinel-1:redis-sentinel',
      'sentinel-2:redis-sentinel',
      'sentinel-3:redis-sentinel',
      'api-1:api',
      'api-2:api',
    ]);
    const network = JSON.parse(await docker('network', 'inspect', stack.containers!.network)) as [{ Internal: boolean; IPAM: { Config: { Subnet: string }[] } }];
    expect(network[0].Internal).toBe(true);
    const subnet = network[0].IPAM.Config[0]!.Subnet;
    expect(subnet).toMatch(/^10\.213\.\d+\.0\/24$/);
    const prefix = subnet.replace(/0\/24$/, '');
    const namespaces = new Set<string>();
    for (const node of storeNodes(stack)) {
      const proc = stack.processes[node.name] as ContainerProcess;
      const inspected = JSON.parse(await docker('inspect', proc.id)) as [{ NetworkSettings: { Networks: Record<string, { IPAddress: string }>; Ports: Record<string, unknown[] | null> } }];
      expect(inspected[0].NetworkSettings.Networks[stack.containers!.network]!.IPAddress).toBe(node.host);
      expect(node.host.startsWith(prefix)).toBe(true);
      expect(Object.values(inspected[0].NetworkSettings.Ports).flatMap((b) => b ?? [])).toEqual([]);
      expect(node.netnsPath).toBe(`/proc/${proc.pid}/ns/net`);
      expect(stack.networkNodes![node.name]!.address).toBe(node.host);
      // Entered from the host, the node's namespace has its address.
      const inside = stack.networkNodes![node.name]!;
      expect(await inside.exec('ip', ['-4', '-br', 'addr', 'show', 'eth0'])).toContain(`${node.host}/24`);
      namespaces.add(await runOrThrow('readlink', [node.netnsPath!]));
      expect(node.readySeconds).toBeGreaterThan(0);
    }
    expect(namespaces.size).toBe(storeNodes(stack).length);
    // The API nodes have their addresses and no container (nor a namespace to cut) until the system starts one.
    for (const node of stack.topology.nodes.filter((n) => n.part === 'api')) {
      expect(node.host.startsWith(prefix)).toBe(true);
      expect(node.ports).toEqual({ http: 8080 });
      expect(node.netnsPath).toBeUndefined();
      expect(stack.networkNodes![node.name]).toBeUndefined();
    }
    // Internal: the engine drops what crosses the network's bridge to or from outside the /24.
    const bridge = `fgnet${subnet.split('.')[2]}`;
    expect(await runOrThrow('iptables', ['-S', 'DOCKER-ISOLATION-STAGE-1'])).toContain(`! -d ${subnet} -i ${bridge} -j DROP`);
    expect(new Set(stack.topology.nodes.map((n) => n.host)).size).toBe(stack.topology.nodes.length);
    expect(startSeconds).toBeLessThan(60);
  });

  it('runs Kafka on 3 nodes at their addresses: the orders topic on 3 replicas, 2 in sync before an ack, no unclean election', async () => {
    const admin = new Admin({ clientId: 'replicated-containers-test', bootstrapBrokers: stack.endpoints.kafkaBrokers });
    try {
      await admin.createTopics({ topics: ['orders'], partitions: 4 });
      const metadata = () => admin.metadata({ topics: ['orders'], forceUpdate: true });
      await waitFor(
        async () => {
          if (!(await metadata()).topics.get('orders')!.partitions.every((p) => p.leader >= 0 && p.isr.length === 3)) throw new Error('replicas not in sync yet');
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      const cluster = await metadata();
      expect([...cluster.brokers.values()].map((b) => `${b.host}:${b.port}`).sort()).toEqual([...stack.endpoints.kafkaBrokers].sort());
      const [configs] = await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: 'orders', configurationKeys: ['min.insync.replicas', 'unclean.leader.election.enable'] }],
      });
      expect(Object.fromEntries(configs!.configs.map((c) => [c.name, c.value]))).toEqual({ 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' });
    } finally {
      await admin.close();
    }
  });

  it('every Sentinel names redis-1 at its container address, and a host client through them writes there and reads it on a replica', async () => {
    const sentinels = stack.endpoints.redisSentinels!;
    const primary = stack.topology.nodes.find((n) => n.name === 'redis-1')!;
    for (const address of sentinels.sentinels) {
      const sentinel = new Redis(hostPort(address));
      expect(await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', sentinels.name)).toEqual([primary.host, String(primary.ports.client)]);
      // The replicas and the other Sentinels are known by their own addresses (announced), never the bridge's.
      const replicas = (await sentinel.call('SENTINEL', 'REPLICAS', sentinels.name)) as string[][];
      const replicaHosts = replicas.map((fields) => fields[fields.indexOf('ip') + 1]).sort();
      expect(replicaHosts).toEqual(stack.topology.nodes.filter((n) => n.roles.includes('redis-replica')).map((n) => n.host).sort());
      sentinel.disconnect();
    }
    const client = new Redis({ sentinels: sentinels.sentinels.map(hostPort), name: sentinels.name });
    await client.set('replicated', 'yes');
    expect(await client.info('replication')).toMatch(/role:master[\s\S]*connected_slaves:2/);
    client.disconnect();
    const replicaNode = stack.topology.nodes.find((n) => n.name === 'redis-2')!;
    const replica = new Redis({ host: replicaNode.host, port: replicaNode.ports.client });
    await expect.poll(() => replica.get('replicated'), { timeout: 2000 }).toBe('yes');
    replica.disconnect();
  });

  it('reaches PostgreSQL directly and through the worker-postgres proxy, the only proxied link', async () => {
    expect(Object.keys(stack.links)).toEqual(['worker-postgres']);
    for (const url of [stack.endpoints.postgresUrl, stack.endpoints.workerPostgresUrl]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe('flux');
      await client.end();
    }
  });

  it('runs an API instance in each API node\'s container at its address, in its own namespace, reaching the stores at their addresses; kill, pause and restart act on it', async () => {
    const e = stack.endpoints;
    const sentinels = e.redisSentinels!;
    const apiNodes = stack.topology.nodes.filter((n) => n.part === 'api');
    const apis = apiNodes.map((node) => ({ node, url: `http://${node.host}:${node.ports.http}` }));
    const env = (name: string, host: string, port: number) => ({
      NODE_ENV: 'development',
      HOST: host,
      PORT: String(port),
      INSTANCE_ID: name,
      REDIS_URL: e.apiRedisUrl,
      REDIS_SENTINELS: sentinels.sentinels.join(','),
      REDIS_SENTINEL_NAME: sentinels.name,
      KAFKA_BROKERS: e.apiKafkaBrokers.join(','),
      DATABASE_URL: e.postgresUrl,
      ADMIN_TOKEN: 'replicated-containers-test',
    });
    const started: ContainerProcess[] = [];
    // One after the other: the first instance creates the schema and the topic.
    for (const { node, url } of apis) {
      const ready = async () => {
        if ((await statusOf(`${url}/health`)) !== 200) throw new Error(`${node.name} does not answer yet`);
      };
      started.push((await stack.startInNode!(node.name, { image: inject('composeImageEnv').FLUXGATE_API_IMAGE!, env: env(node.name, node.host, node.ports.http!), readyLine: /ingestion API listening/, ready })) as ContainerProcess);
    }
    const prefix = stack.topology.nodes[0]!.host.replace(/\.\d+$/, '.');
    for (const [i, { node, url }] of apis.entries()) {
      const proc = started[i]!;
      const inspected = JSON.parse(await docker('inspect', proc.id)) as [{ Config: { Labels: Record<string, string> }; NetworkSettings: { Networks: Record<string, { IPAddress: string }>; Ports: Record<string, unknown[] | null> } }];
      expect(inspected[0].NetworkSettings.Networks[stack.containers!.network]!.IPAddress).toBe(node.host);
      expect(node.host.startsWith(prefix)).toBe(true);
      expect(Object.values(inspected[0].NetworkSettings.Ports).flatMap((b) => b ?? [])).toEqual([]);
      expect(`dev.flux-gate.run=${inspected[0].Config.Labels['dev.flux-gate.run']}`).toBe(stack.containers!.label);
      expect(node.netnsPath).toBe(`/proc/${proc.pid}/ns/net`);
      const inside = stack.networkNodes![node.name]!;
      expect(inside.address).toBe(node.host);
      expect(await inside.exec('ip', ['-4', '-br', 'addr', 'show', 'eth0'])).toContain(`${node.host}/24`);
      // Ready: it reached Redis (through the Sentinels) and Kafka at the store nodes' addresses.
      expect(await statusOf(`${url}/ready`)).toBe(200);
    }
    const namespaces = await Promise.all([...stack.topology.nodes.map((n) => n.netnsPath!)].map((path) => runOrThrow('readlink', [path])));
    expect(new Set(namespaces).size).toBe(stack.topology.nodes.length);

    const [api1] = started as [ContainerProcess];
    const url1 = apis[0]!.url;
    await api1.pause();
    expect(await statusOf(`${url1}/health`)).toBe(0);
    await api1.resume();
    expect(await statusOf(`${url1}/health`)).toBe(200);
    await api1.kill();
    expect(api1.running).toBe(false);
    expect(await statusOf(`${url1}/health`)).toBe(0);
    await api1.restart();
    expect(await statusOf(`${url1}/ready`)).toBe(200);
    expect(stack.networkNodes!['api-1']!.netnsPath).toBe(`/proc/${api1.pid}/ns/net`);
    await expect(stack.startInNode!('api-1', { image: 'unused', env: {}, readyLine: /./, ready: async () => {} })).rejects.toThrow(/already runs/);
    await expect(stack.startInNode!('redis-2', { image: 'unused', env: {}, readyLine: /./, ready: async () => {} })).rejects.toThrow(/no API node redis-2/);
  });

  it('when redis-1\'s container is killed, the Sentinels promote a replica and name its container address, which the host reaches', async () => {
    const sentinels = stack.endpoints.redisSentinels!;
    const replicaHosts = stack.topology.nodes.filter((n) => n.roles.includes('redis-replica')).map((n) => n.host);
    await stack.processes['redis-1']!.kill();
    const sentinel = new Redis(hostPort(sentinels.sentinels[0]!));
    try {
      await waitFor(
        async () => {
          const [host] = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', sentinels.name)) as [string, string];
          if (!replicaHosts.includes(host)) throw new Error(`the Sentinels still name ${host}`);
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    } finally {
      sentinel.disconnect();
    }
    const client = new Redis({ sentinels: sentinels.sentinels.map(hostPort), name: sentinels.name });
    await client.set('after-failover', 'yes');
    expect(await client.info('replication')).toMatch(/role:master/);
    client.disconnect();
  });

  it('stop removes every container, the API instances\' too, and the network', async () => {
    const label = stack.containers!.label;
    expect(await labelled('ps', label)).toHaveLength(13);
    await stack.stop();
    expect((await docker('ps', '-aq', '--filter', `label=${label}`)).trim()).toBe('');
    expect((await docker('network', 'ls', '-q', '--filter', `label=${label}`)).trim()).toBe('');
  });
});

describe('`npm run stack -- up --topology replicated --stack containers`', () => {
  it('prints every node with its address, roles and readiness, and on SIGINT leaves no container or network', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'harness/src/cli/stack.ts', 'up', '--json', '--stack', 'containers', '--topology', 'replicated'], { cwd: repo, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(async () => {
      if (!out.includes('\n')) throw new Error('no endpoints yet');
    }, { timeoutMs: 90_000, intervalMs: 200, abort: () => (child.exitCode === null ? undefined : `exited ${child.exitCode}`) });
    const info = JSON.parse(out.split('\n')[0]!) as { topology: { nodes: { name: string; host: string; roles: string[]; readySeconds: number; netnsPath: string }[] }; containers: { label: string } };
    expect(info.topology.nodes).toHaveLength(13);
    for (const node of info.topology.nodes) {
      expect(node.host).toMatch(/^10\.213\.\d+\.\d+$/);
      expect(node.roles.length).toBeGreaterThan(0);
      // The API nodes (api-1, api-2) have an address for the system's instances, and no container of the stack's.
      if (node.roles.includes('api')) continue;
      expect(node.readySeconds).toBeGreaterThan(0);
      expect(node.netnsPath).toMatch(/^\/proc\/\d+\/ns\/net$/);
    }
    expect(info.topology.nodes.filter((n) => n.roles.includes('api')).map((n) => n.name)).toEqual(['api-1', 'api-2']);
    expect(await labelled('ps', info.containers.label)).toHaveLength(11);
    expect(await labelled('network', info.containers.label)).toHaveLength(1);
    child.kill('SIGINT');
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(130);
    expect(await labelled('ps', info.containers.label)).toEqual([]);
    expect(await labelled('network', info.containers.label)).toEqual([]);
  });
});
