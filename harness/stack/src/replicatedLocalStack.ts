import type { StackTools } from './tools/ensureTools.ts';
import { createLinks } from './createLinks.ts';
import { freePorts } from './freePort.ts';
import { type LocalStackRun, localStackRun } from './localStackRun.ts';
import { addr, loopback, pgUrl, portOf } from './loopbackAddress.ts';
import { NodeNetworks } from './netns/NodeNetworks.ts';
import type { StartedNodeNetworks } from './netns/StartedNodeNetworks.ts';
import { kafkaProcess, newClusterId, replicatedBrokerJvmOptions, replicatedBrokerSettings } from './startKafka.ts';
import { postgresProcess } from './startPostgres.ts';
import { apiNodePorts } from './replicatedShape.ts';
import { redisProcess } from './startRedis.ts';
import { sentinelPrimaryName, sentinelProcess } from './startSentinel.ts';
import { toxiproxyProcess } from './startToxiproxy.ts';
import { formRedisCluster } from './formRedisCluster.ts';
import { apiShapeNodes, kafkaShapeNodes, type ReplicatedShape, redisShapeNodes, type ShapeNode } from './replicatedShape.ts';
import type { AnyStartedStack, StackEndpoints, StackOptions } from './StackProvider.ts';
import type { StackNode } from './StackTopology.ts';


/** Every namespaced node has an address of its own, so each listens on its store's usual ports. */
export const nodePorts = {
  kafka: { harness: 9092, controller: 9093, api: 9094, worker: 9095 },
  redis: { client: 6379 },
  sentinel: { sentinel: 26379 },
  api: apiNodePorts,
} as const;

/** The store nodes of the shape that get a namespace of their own (all but Toxiproxy and PostgreSQL). */
const namespacedStoreNodes = (shape: ReplicatedShape) => [...kafkaShapeNodes(), ...redisShapeNodes(shape)];

/** The nodes with a namespace of their own: the shape's store nodes and `apis` API nodes. */
const namespacedShapeNodes = (apis: number, shape: ReplicatedShape) => [...namespacedStoreNodes(shape), ...apiShapeNodes(apis)];

/** The names of the nodes with a namespace of their own: the Kafka and Redis nodes (and Sentinels) of the shape, and `apis` API nodes. */
export const namespacedNodeNames = (apis: number, shape: ReplicatedShape = 'replicated'): string[] => namespacedShapeNodes(apis, shape).map((n) => n.name);

/**
 * The shape as data: 3 Kafka nodes (broker and controller each), its Redis nodes (redisShapeNodes)
 * and the API nodes, each in its network namespace at its address; PostgreSQL and Toxiproxy on the
 * host's 127.0.0.1, on the given free ports.
 */
export function replicatedNodes(network: StartedNodeNetworks, hostPorts: { toxiproxy: number; postgres: number }, apis: number, shape: ReplicatedShape = 'replicated'): StackNode[] {
  const at = (name: string) => {
    const node = network.node(name);
    return { name, host: node.address, netnsPath: node.netnsPath };
  };
  const portsOf = (n: ShapeNode) => (n.part === 'api' ? nodePorts.api : n.part === 'kafka' ? nodePorts.kafka : n.roles.includes('redis-sentinel') ? nodePorts.sentinel : nodePorts.redis);
  return [
    { name: 'toxiproxy', part: 'toxiproxy', roles: ['toxiproxy'], host: loopback, ports: { api: hostPorts.toxiproxy } },
    { name: 'postgres', part: 'postgres', roles: ['postgres'], host: loopback, ports: { client: hostPorts.postgres } },
    ...namespacedShapeNodes(apis, shape).map((n): StackNode => ({ ...n, ...at(n.name), ports: { ...portsOf(n) } })),
  ];
}

const byRole = (nodes: StackNode[], role: StackNode['roles'][number]) => nodes.filter((n) => n.roles.includes(role));
const p = (node: StackNode, purpose: string) => node.ports[purpose]!;
const at = (node: StackNode, purpose: string) => `${node.host}:${p(node, purpose)}`;

/** What a shape's Redis part adds to the endpoints, beyond the first primary's address. */
type RedisEndpoints = Pick<StackEndpoints, 'redisSentinels' | 'redisCluster'>;

/** The replicated shape's Redis: the primary, then its replicas once it answers, then the Sentinels once both replicas are linked. */
async function startSentinelRedis(run: LocalStackRun, tools: StackTools, nodes: StackNode[]): Promise<RedisEndpoints> {
  const { dir, readyTimeoutMs } = run;
  const [primary] = byRole(nodes, 'redis-primary') as [StackNode];
  const redisReplicas = byRole(nodes, 'redis-replica');
  const sentinels = byRole(nodes, 'redis-sentinel');
  const primaryAddress = { host: primary.host, port: p(primary, 'client') };
  const redisNode = (r: StackNode, replicaOf?: typeof primaryAddress) =>
    redisProcess({ bin: tools.redisServer, name: r.name, host: r.host, netnsPath: r.netnsPath!, port: p(r, 'client'), ...(replicaOf ? { replicaOf } : {}), dir, readyTimeoutMs });
  await run.startNode(primary, () => redisNode(primary));
  await Promise.all(redisReplicas.map((r) => run.startNode(r, () => redisNode(r, primaryAddress))));
  await Promise.all(
    sentinels.map((s) =>
      run.startNode(s, () =>
        sentinelProcess({
          bin: tools.redisServer,
          name: s.name,
          host: s.host,
          netnsPath: s.netnsPath!,
          port: p(s, 'sentinel'),
          primary: primaryAddress,
          quorum: Math.floor(sentinels.length / 2) + 1,
          replicas: redisReplicas.length,
          otherSentinels: sentinels.length - 1,
          dir,
          readyTimeoutMs,
        }),
      ),
    ),
  );
  return { redisSentinels: { sentinels: sentinels.map((s) => at(s, 'sentinel')), name: sentinelPrimaryName } };
}

/** The cluster shape's Redis: every node side by side, then joined into one Redis Cluster (formRedisCluster). */
async function startClusterRedis(run: LocalStackRun, tools: StackTools, nodes: StackNode[]): Promise<RedisEndpoints> {
  const { dir, readyTimeoutMs } = run;
  const members = nodes.filter((n) => n.part === 'redis');
  await Promise.all(
    members.map((r) => run.startNode(r, () => redisProcess({ bin: tools.redisServer, name: r.name, host: r.host, netnsPath: r.netnsPath!, port: p(r, 'client'), cluster: true, dir, readyTimeoutMs }))),
  );
  const formed = performance.now();
  await formRedisCluster(
    members.map((m) => ({ name: m.name, host: m.host, port: p(m, 'client'), ...(m.follows ? { follows: m.follows } : {}) })),
    { timeoutMs: readyTimeoutMs },
  );
  run.log(`  ✓ redis cluster: ${byRole(members, 'redis-primary').length} shards formed, cluster_state:ok in ${((performance.now() - formed) / 1000).toFixed(1)}s`);
  return { redisCluster: members.map((m) => at(m, 'client')) };
}

/**
 * Starts the replicated or the cluster shape. Every Kafka node, Redis node and Sentinel runs in a network
 * namespace of its own on the project's bridge, and each API node gets one for the system to start
 * its API in (NodeNetworks); PostgreSQL and Toxiproxy stay on the host, PostgreSQL also listening on
 * the bridge's host address for the namespaced APIs. The client links to Kafka and Redis go straight
 * to the nodes (a Toxiproxy proxy cannot follow a leader or a primary; partitions between nodes take
 * their place), worker→postgres keeps its proxy. Kafka's nodes start side by side, and Redis as its
 * shape says (startSentinelRedis, startClusterRedis).
 */
export async function startReplicatedLocal(tools: StackTools, options: StackOptions, log: (line: string) => void): Promise<AnyStartedStack> {
  const shape: ReplicatedShape = options.topology === 'cluster' ? 'cluster' : 'replicated';
  const apis = options.apiNodes ?? 2;
  const [toxiproxyPort, postgresPort] = (await freePorts(2)) as [number, number];
  const network = await new NodeNetworks(namespacedNodeNames(apis, shape)).withLog((line) => log(`  ${line}`)).start();
  const nodes = replicatedNodes(network, { toxiproxy: toxiproxyPort, postgres: postgresPort }, apis, shape);
  const [toxiproxy, postgres] = [nodes.find((n) => n.part === 'toxiproxy')!, nodes.find((n) => n.part === 'postgres')!];
  const brokers = byRole(nodes, 'kafka-broker');
  const [primary] = byRole(nodes, 'redis-primary') as [StackNode];
  const start = localStackRun(
    shape,
    nodes,
    options,
    log,
    async (run) => {
      const { dir, readyTimeoutMs } = run;
      const toxiproxyUrl = `http://${addr(p(toxiproxy, 'api'))}`;
      const linksReady = run
        .startNode(toxiproxy, () => toxiproxyProcess({ bin: tools.toxiproxyServer, port: p(toxiproxy, 'api'), dir, readyTimeoutMs }))
        .then(() => createLinks(toxiproxyUrl, { 'worker-postgres': addr(p(postgres, 'client')) }));
      const clusterId = newClusterId();
      const voters = brokers.map((b, i) => `${i + 1}@${at(b, 'controller')}`).join(',');
      const kafka = brokers.map((b, i) =>
        run.startNode(b, () =>
          kafkaProcess({
            java: tools.java,
            libs: tools.kafkaLibs,
            dir,
            readyTimeoutMs,
            host: b.host,
            netnsPath: b.netnsPath!,
            ports: { controller: p(b, 'controller'), harness: p(b, 'harness'), api: p(b, 'api'), worker: p(b, 'worker'), apiProxy: p(b, 'api'), workerProxy: p(b, 'worker') },
            node: { name: b.name, id: i + 1, voters, clusterId, brokers: brokers.length, settings: replicatedBrokerSettings, jvmOptions: replicatedBrokerJvmOptions },
          }),
        ),
      );
      const redis = (shape === 'cluster' ? startClusterRedis : startSentinelRedis)(run, tools, nodes);
      const results = await Promise.allSettled([
        linksReady,
        run.startNode(postgres, () =>
          postgresProcess({
            binDir: tools.postgresBin,
            port: p(postgres, 'client'),
            dir,
            readyTimeoutMs,
            alsoOn: { addresses: [network.hostAddress], networks: [network.subnet] },
          }),
        ),
        ...kafka,
        redis,
      ]);
      run.settle(results);
      const links = await linksReady;
      const redisUrl = `redis://${at(primary, 'client')}`;
      const listeners = (purpose: string) => brokers.map((b) => at(b, purpose));
      return {
        links,
        endpoints: {
          redisUrl,
          postgresUrl: pgUrl(p(postgres, 'client')),
          apiPostgresUrl: pgUrl(p(postgres, 'client'), network.hostAddress),
          kafkaBrokers: listeners('harness'),
          toxiproxyUrl,
          apiRedisUrl: redisUrl,
          ...(await redis),
          apiKafkaBrokers: listeners('api'),
          workerKafkaBrokers: listeners('worker'),
          workerPostgresUrl: pgUrl(portOf(links['worker-postgres'].listen)),
        },
        aliases: { redis: primary.name, postgres: postgres.name, kafka: brokers[0]!.name, toxiproxy: toxiproxy.name },
      };
    },
    network,
  );
  // localStackRun removes the network on its own failure; this covers a throw before it takes it over.
  return start.catch(async (err: unknown) => {
    await network.stop();
    throw err;
  });
}
