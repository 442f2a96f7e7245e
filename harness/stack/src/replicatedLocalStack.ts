import type { StackTools } from './tools/ensureTools.ts';
import { createLinks } from './createLinks.ts';
import { freePorts } from './freePort.ts';
import { localStackRun } from './localStackRun.ts';
import { addr, loopback, pgUrl, portOf } from './loopbackAddress.ts';
import { NodeNetworks } from './netns/NodeNetworks.ts';
import type { StartedNodeNetworks } from './netns/StartedNodeNetworks.ts';
import { kafkaProcess, newClusterId, replicatedBrokerJvmOptions, replicatedBrokerSettings } from './startKafka.ts';
import { postgresProcess } from './startPostgres.ts';
import { apiNodePorts } from './replicatedShape.ts';
import { redisProcess } from './startRedis.ts';
import { sentinelPrimaryName, sentinelProcess } from './startSentinel.ts';
import { toxiproxyProcess } from './startToxiproxy.ts';
import type { AnyStartedStack, StackOptions } from './StackProvider.ts';
import type { StackNode } from './StackTopology.ts';

const replicas = 3;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Every namespaced node has an address of its own, so each listens on its store's usual ports. */
export const nodePorts = {
  kafka: { harness: 9092, controller: 9093, api: 9094, worker: 9095 },
  redis: { client: 6379 },
  sentinel: { sentinel: 26379 },
  api: apiNodePorts,
} as const;

/** The names of the nodes with a namespace of their own: 3 Kafka nodes, 3 Redis nodes, 3 Sentinels and `apis` API nodes. */
export const namespacedNodeNames = (apis: number): string[] => [
  ...range(replicas).map((i) => `kafka-${i}`),
  ...range(replicas).map((i) => `redis-${i}`),
  ...range(replicas).map((i) => `sentinel-${i}`),
  ...range(apis).map((i) => `api-${i}`),
];

/**
 * The replicated topology as data: 3 Kafka nodes (broker and controller each), a Redis primary
 * with 2 replicas, 3 Sentinels and the API nodes, each in its network namespace at its address;
 * PostgreSQL and Toxiproxy on the host's 127.0.0.1, on the given free ports.
 */
export function replicatedNodes(network: StartedNodeNetworks, hostPorts: { toxiproxy: number; postgres: number }, apis: number): StackNode[] {
  const at = (name: string) => {
    const node = network.node(name);
    return { name, host: node.address, netnsPath: node.netnsPath };
  };
  return [
    { name: 'toxiproxy', part: 'toxiproxy', roles: ['toxiproxy'], host: loopback, ports: { api: hostPorts.toxiproxy } },
    { name: 'postgres', part: 'postgres', roles: ['postgres'], host: loopback, ports: { client: hostPorts.postgres } },
    ...range(replicas).map((i): StackNode => ({ ...at(`kafka-${i}`), part: 'kafka', roles: ['kafka-broker', 'kafka-controller'], ports: { ...nodePorts.kafka } })),
    ...range(replicas).map((i): StackNode => ({ ...at(`redis-${i}`), part: 'redis', roles: [i === 1 ? 'redis-primary' : 'redis-replica'], ports: { ...nodePorts.redis } })),
    ...range(replicas).map((i): StackNode => ({ ...at(`sentinel-${i}`), part: 'redis', roles: ['redis-sentinel'], ports: { ...nodePorts.sentinel } })),
    ...range(apis).map((i): StackNode => ({ ...at(`api-${i}`), part: 'api', roles: ['api'], ports: { ...nodePorts.api } })),
  ];
}

const byRole = (nodes: StackNode[], role: StackNode['roles'][number]) => nodes.filter((n) => n.roles.includes(role));
const p = (node: StackNode, purpose: string) => node.ports[purpose]!;
const at = (node: StackNode, purpose: string) => `${node.host}:${p(node, purpose)}`;

/**
 * Starts the replicated shape. Every Kafka node, Redis node and Sentinel runs in a network
 * namespace of its own on the project's bridge, and each API node gets one for the system to start
 * its API in (NodeNetworks); PostgreSQL and Toxiproxy stay on the host, PostgreSQL also listening on
 * the bridge's host address for the namespaced APIs. The client links to Kafka and Redis go straight
 * to the nodes (a Toxiproxy proxy cannot follow a leader or a primary; partitions between nodes take
 * their place), worker→postgres keeps its proxy. Kafka's nodes start side by side, Redis's replicas
 * once the primary answers, the Sentinels once both replicas are linked.
 */
export async function startReplicatedLocal(tools: StackTools, options: StackOptions, log: (line: string) => void): Promise<AnyStartedStack> {
  const apis = options.apiNodes ?? 2;
  const [toxiproxyPort, postgresPort] = (await freePorts(2)) as [number, number];
  const network = await new NodeNetworks(namespacedNodeNames(apis)).withLog((line) => log(`  ${line}`)).start();
  const nodes = replicatedNodes(network, { toxiproxy: toxiproxyPort, postgres: postgresPort }, apis);
  const [toxiproxy, postgres] = [nodes.find((n) => n.part === 'toxiproxy')!, nodes.find((n) => n.part === 'postgres')!];
  const brokers = byRole(nodes, 'kafka-broker');
  const [primary] = byRole(nodes, 'redis-primary') as [StackNode];
  const redisReplicas = byRole(nodes, 'redis-replica');
  const sentinels = byRole(nodes, 'redis-sentinel');
  const start = localStackRun(
    'replicated',
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
      const primaryAddress = { host: primary.host, port: p(primary, 'client') };
      const redisNode = (r: StackNode, replicaOf?: typeof primaryAddress) =>
        redisProcess({ bin: tools.redisServer, name: r.name, host: r.host, netnsPath: r.netnsPath!, port: p(r, 'client'), ...(replicaOf ? { replicaOf } : {}), dir, readyTimeoutMs });
      const redis = run
        .startNode(primary, () => redisNode(primary))
        .then(() => Promise.all(redisReplicas.map((r) => run.startNode(r, () => redisNode(r, primaryAddress)))))
        .then(() =>
          Promise.all(
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
          ),
        );
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
          redisSentinels: { sentinels: sentinels.map((s) => at(s, 'sentinel')), name: sentinelPrimaryName },
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
