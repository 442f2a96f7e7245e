import type { ContainerProcess } from './containers/ContainerProcess.ts';
import { containerNetworkNode } from './containers/ContainerNetworkNode.ts';
import { createContainerNetwork } from './containers/containerNetwork.ts';
import type { ContainerStackRun } from './containers/containerStackRun.ts';
import { kafkaEntrypoint } from './containers/images/kafkaImage.ts';
import type { InfraImages } from './containers/images/index.ts';
import { type ContainerSpec, inside, kafkaContainerEnv, partContainers, postgresEnv } from './containers/storeContainers.ts';
import { createLinks } from './createLinks.ts';
import { pgUrl } from './loopbackAddress.ts';
import { kafkaAnswers, postgresAnswers, redisAnswers, redisReplicaLinked, sentinelWatches, toxiproxyAnswers } from './readinessProbes.ts';
import { formRedisCluster } from './formRedisCluster.ts';
import { apiNodePorts, type ReplicatedShape, replicatedShapeNodes, type ShapeNode } from './replicatedShape.ts';
import { newClusterId, replicatedBrokerJvmOptions, replicatedBrokerSettings } from './startKafka.ts';
import { postgresDatabase, postgresUser } from './startPostgres.ts';
import { clusterNodeOptions, redisOptions, replicaOptions } from './startRedis.ts';
import { sentinelConfig, sentinelPrimaryName, sentinelQuorum } from './startSentinel.ts';
import type { AnyStartedStack, NetworkNodeHandle, NodeService, StackEndpoints, StackPart } from './StackProvider.ts';
import type { StackNode, StackTopology } from './StackTopology.ts';

/** Each node listens on its store's (or the API's) usual ports at its own address. */
const portsOf = (node: ShapeNode): Record<string, number> => {
  if (node.part === 'api') return { ...apiNodePorts };
  if (node.roles.includes('redis-sentinel')) return { sentinel: inside.sentinel };
  if (node.part === 'kafka') return { harness: inside.kafka.harness, api: inside.kafka.api, worker: inside.kafka.worker, controller: inside.kafka.controller };
  return node.part === 'toxiproxy' ? { api: inside.toxiproxy } : { client: inside[node.part] };
};

const byRole = (nodes: StackNode[], role: StackNode['roles'][number]) => nodes.filter((n) => n.roles.includes(role));
const p = (node: StackNode, purpose: string) => node.ports[purpose]!;
const at = (node: StackNode, purpose: string) => `${node.host}:${p(node, purpose)}`;

/**
 * The replicated or the cluster shape (replicatedShapeNodes, with the local shape's settings), one container per
 * node on an internal network of the run's own, each at a fixed address of the
 * project's pool and in a network namespace of its own, which partition faults enter with nsenter
 * (networkNodes). Nothing is published: the host reaches every address over the network's bridge,
 * as nginx and the workers (host processes) do. Kafka's nodes listen and advertise at their
 * addresses; replicas and Sentinels announce theirs, so the primary a Sentinel names is one the host
 * reaches. Kafka's nodes start side by side, Redis's replicas once the primary answers, the
 * Sentinels once both replicas are linked (a Redis Cluster's nodes side by side, then joined by
 * formRedisCluster); only worker→postgres goes through Toxiproxy. The API
 * nodes get their addresses here and their containers from the system (startInNode), which reach
 * the stores at the same addresses as the store nodes reach each other.
 */
export async function startReplicatedContainers(run: ContainerStackRun, images: InfraImages, apis: number, stop: () => Promise<void>, shape: ReplicatedShape = 'replicated'): Promise<AnyStartedStack> {
  const network = await createContainerNetwork(run.docker, `flux-gate-${run.runId}`, run.labels);
  const nodes: StackNode[] = replicatedShapeNodes(shape, apis).map((node, i) => ({ ...node, host: network.subnet.nodeAddress(i), ports: portsOf(node) }));
  const [toxiproxy, postgres] = [nodes.find((n) => n.part === 'toxiproxy')!, nodes.find((n) => n.part === 'postgres')!];
  const brokers = byRole(nodes, 'kafka-broker');
  const [primary] = byRole(nodes, 'redis-primary') as [StackNode];
  const replicas = byRole(nodes, 'redis-replica');
  const sentinels = byRole(nodes, 'redis-sentinel');
  const processes: Record<string, ContainerProcess> = {};
  const start = async (node: StackNode, spec: Partial<ContainerSpec>, ready: () => Promise<unknown>) => {
    const part = node.part as ContainerSpec['part'];
    const full: ContainerSpec = {
      part,
      env: {},
      readyLine: /./,
      ...(part === 'api' ? {} : partContainers[part]),
      ...spec,
      node: node.name,
      name: `${network.name}-${node.name}`,
      network: network.name,
      address: node.host,
      roles: node.roles,
      publish: {},
    };
    processes[node.name] = await run.start(full, ready);
    return processes[node.name]!;
  };

  const toxiproxyUrl = `http://${at(toxiproxy, 'api')}`;
  const linksReady = start(toxiproxy, {}, () => toxiproxyAnswers(toxiproxyUrl)).then(() =>
    createLinks(toxiproxyUrl, { 'worker-postgres': at(postgres, 'client') }, toxiproxy.host),
  );
  const postgresReady = start(postgres, { env: postgresEnv }, () => postgresAnswers(p(postgres, 'client'), postgresUser, postgresDatabase, postgres.host));

  const clusterId = newClusterId();
  const voters = brokers.map((b, i) => `${i + 1}@${at(b, 'controller')}`).join(',');
  const kafka = brokers.map((b, i) => {
    const settings = {
      'node.id': String(i + 1),
      'process.roles': 'broker,controller',
      'controller.quorum.voters': voters,
      listeners: `HARNESS://${at(b, 'harness')},API://${at(b, 'api')},WORKER://${at(b, 'worker')},CONTROLLER://${at(b, 'controller')}`,
      'advertised.listeners': `HARNESS://${at(b, 'harness')},API://${at(b, 'api')},WORKER://${at(b, 'worker')}`,
      'listener.security.protocol.map': 'HARNESS:PLAINTEXT,API:PLAINTEXT,WORKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'HARNESS',
      'controller.listener.names': 'CONTROLLER',
      'log.dirs': '/var/lib/kafka/data',
      ...replicatedBrokerSettings,
    };
    // The image built here has the single broker's JVM options in its entry point; apache/kafka reads them from the variables.
    const entrypoint = images.source === 'local' ? kafkaEntrypoint(replicatedBrokerJvmOptions) : undefined;
    return start(b, { env: kafkaContainerEnv(settings, clusterId, replicatedBrokerJvmOptions), entrypoint }, kafkaAnswers(at(b, 'harness'), brokers.length));
  });

  const redisCommand = (extra: string[] = []) => ['redis-server', '--port', String(p(primary, 'client')), ...redisOptions, ...extra];
  const clusterRedis = async (): Promise<Pick<StackEndpoints, 'redisCluster'>> => {
    const members = nodes.filter((n) => n.part === 'redis');
    await Promise.all(members.map((r) => start(r, { command: redisCommand(clusterNodeOptions('/data')) }, () => redisAnswers(p(r, 'client'), r.host))));
    await formRedisCluster(
      members.map((m) => ({ name: m.name, host: m.host, port: p(m, 'client'), ...(m.follows ? { follows: m.follows } : {}) })),
      { timeoutMs: 60_000 },
    );
    return { redisCluster: members.map((m) => at(m, 'client')) };
  };
  const sentinelRedis = (): Promise<Pick<StackEndpoints, 'redisSentinels'>> => start(primary, { command: redisCommand() }, () => redisAnswers(p(primary, 'client'), primary.host))
    .then(() =>
      Promise.all(
        replicas.map((r) =>
          start(r, { command: redisCommand(replicaOptions({ host: primary.host, port: p(primary, 'client') }, r.host)) }, () => redisReplicaLinked(p(r, 'client'), r.host)),
        ),
      ),
    )
    .then(() =>
      Promise.all(
        sentinels.map((s) => {
          // Sentinel rewrites its config file as it learns; the image's user must be able to.
          const config = sentinelConfig({ bind: '0.0.0.0', port: p(s, 'sentinel'), dir: '/data', primary: { host: primary.host, port: p(primary, 'client') }, quorum: sentinelQuorum(sentinels.length), announce: s.host });
          return start(s, { command: ['redis-server', '/data/sentinel.conf', '--sentinel'], files: [{ content: config, target: '/data/sentinel.conf', mode: 0o666 }], readyLine: /monitor master|Sentinel ID is/ }, () =>
            sentinelWatches(p(s, 'sentinel'), sentinelPrimaryName, { replicas: replicas.length, otherSentinels: sentinels.length - 1 }, s.host),
          );
        }),
      ),
    )
    .then(() => ({ redisSentinels: { sentinels: sentinels.map((s) => at(s, 'sentinel')), name: sentinelPrimaryName } }));
  const redis: Promise<Pick<StackEndpoints, 'redisSentinels' | 'redisCluster'>> = shape === 'cluster' ? clusterRedis() : sentinelRedis();
  run.settle(await Promise.allSettled([linksReady, postgresReady, ...kafka, redis]));
  const links = await linksReady;

  // A node is in the network once its container runs: an API node from its startInNode on.
  const inNetwork = (n: StackNode): [string, NetworkNodeHandle] => [n.name, containerNetworkNode(n.name, n.host, () => processes[n.name])];
  const networkNodes: Record<string, NetworkNodeHandle> = Object.fromEntries(nodes.filter((n) => processes[n.name]).map(inNetwork));
  const topology: StackTopology = {
    shape,
    nodes: nodes.map((n) => (processes[n.name] ? { ...n, netnsPath: networkNodes[n.name]!.netnsPath, readySeconds: processes[n.name]!.readySeconds } : { ...n })),
  };
  const startInNode = async (name: string, service: NodeService) => {
    const node = topology.nodes.find((n) => n.name === name);
    if (!node?.roles.includes('api')) throw new Error(`no API node ${name} in this stack: its API nodes are ${byRole(nodes, 'api').map((n) => n.name).join(', ') || 'none'}`);
    if (processes[name]) throw new Error(`${name} already runs a container`);
    const proc = await start(node, { image: service.image, env: service.env, readyLine: service.readyLine }, service.ready);
    const [, handle] = inNetwork(node);
    networkNodes[name] = handle;
    node.netnsPath = handle.netnsPath;
    return proc;
  };
  const readiness = Object.fromEntries(
    (['toxiproxy', 'postgres', 'kafka', 'redis'] as const).map((part) => [part, Math.max(...topology.nodes.filter((n) => n.part === part).map((n) => n.readySeconds ?? 0))]),
  ) as Record<StackPart, number>;
  const aliases: Record<StackPart, string> = { redis: primary.name, postgres: postgres.name, kafka: brokers[0]!.name, toxiproxy: toxiproxy.name };
  const listeners = (purpose: string) => brokers.map((b) => at(b, purpose));
  const redisUrl = `redis://${at(primary, 'client')}`;
  const [workerPostgresHost, workerPostgresPort] = [links['worker-postgres'].listen.split(':')[0]!, Number(links['worker-postgres'].listen.split(':')[1])];
  return {
    provider: 'containers',
    dir: run.dir,
    links,
    processes: { ...processes, ...(Object.fromEntries(Object.entries(aliases).map(([part, node]) => [part, processes[node]!])) as Record<StackPart, ContainerProcess>) },
    readiness,
    topology,
    networkNodes,
    endpoints: {
      redisUrl,
      postgresUrl: pgUrl(p(postgres, 'client'), postgres.host),
      kafkaBrokers: listeners('harness'),
      toxiproxyUrl,
      apiRedisUrl: redisUrl,
      ...(await redis),
      apiKafkaBrokers: listeners('api'),
      workerKafkaBrokers: listeners('worker'),
      workerPostgresUrl: pgUrl(workerPostgresPort, workerPostgresHost),
    },
    containers: { label: run.label, network: network.name, images: { redis: images.redis, postgres: images.postgres, kafka: images.kafka, toxiproxy: images.toxiproxy } },
    startInNode,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
