import type { StackTools } from './tools/ensureTools.ts';
import { createLinks } from './createLinks.ts';
import { freePorts } from './freePort.ts';
import { localStackRun } from './localStackRun.ts';
import { addr, loopback as host, pgUrl, portOf } from './loopbackAddress.ts';
import { kafkaProcess, newClusterId, replicatedBrokerJvmOptions, replicatedBrokerSettings } from './startKafka.ts';
import { postgresProcess } from './startPostgres.ts';
import { redisProcess } from './startRedis.ts';
import { sentinelPrimaryName, sentinelProcess } from './startSentinel.ts';
import { toxiproxyProcess } from './startToxiproxy.ts';
import type { AnyStartedStack, StackOptions } from './StackProvider.ts';
import type { StackNode } from './StackTopology.ts';

const replicas = 3;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * The replicated topology as data: 3 Kafka nodes (broker and controller each), a Redis primary
 * with 2 replicas, 3 Sentinels, one PostgreSQL and Toxiproxy, each node on its own ports.
 */
export function replicatedNodes(ports: number[]): StackNode[] {
  const next = () => ports.shift()!;
  return [
    { name: 'toxiproxy', part: 'toxiproxy', roles: ['toxiproxy'], host, ports: { api: next() } },
    { name: 'postgres', part: 'postgres', roles: ['postgres'], host, ports: { client: next() } },
    ...range(replicas).map((i): StackNode => ({
      name: `kafka-${i}`,
      part: 'kafka',
      roles: ['kafka-broker', 'kafka-controller'],
      host,
      ports: { harness: next(), api: next(), worker: next(), controller: next() },
    })),
    ...range(replicas).map((i): StackNode => ({ name: `redis-${i}`, part: 'redis', roles: [i === 1 ? 'redis-primary' : 'redis-replica'], host, ports: { client: next() } })),
    ...range(replicas).map((i): StackNode => ({ name: `sentinel-${i}`, part: 'redis', roles: ['redis-sentinel'], host, ports: { sentinel: next() } })),
  ];
}
/** Ports replicatedNodes takes. */
const portCount = 2 + replicas * 4 + replicas + replicas;

const byRole = (nodes: StackNode[], role: StackNode['roles'][number]) => nodes.filter((n) => n.roles.includes(role));
const p = (node: StackNode, purpose: string) => node.ports[purpose]!;

/**
 * Starts the replicated shape. The client links to Kafka and Redis go straight to the nodes (a
 * Toxiproxy proxy cannot follow a leader or a primary; partitions between nodes take their place),
 * worker→postgres keeps its proxy. Kafka's nodes start side by side, Redis's replicas once the
 * primary answers, the Sentinels once both replicas are linked.
 */
export async function startReplicatedLocal(tools: StackTools, options: StackOptions, log: (line: string) => void): Promise<AnyStartedStack> {
  const nodes = replicatedNodes(await freePorts(portCount));
  const [toxiproxy, postgres] = [nodes.find((n) => n.part === 'toxiproxy')!, nodes.find((n) => n.part === 'postgres')!];
  const brokers = byRole(nodes, 'kafka-broker');
  const [primary] = byRole(nodes, 'redis-primary') as [StackNode];
  const redisReplicas = byRole(nodes, 'redis-replica');
  const sentinels = byRole(nodes, 'redis-sentinel');
  return localStackRun('replicated', nodes, options, log, async (run) => {
    const { dir, readyTimeoutMs } = run;
    const toxiproxyUrl = `http://${addr(p(toxiproxy, 'api'))}`;
    const linksReady = run
      .startNode(toxiproxy, () => toxiproxyProcess({ bin: tools.toxiproxyServer, port: p(toxiproxy, 'api'), dir, readyTimeoutMs }))
      .then(() => createLinks(toxiproxyUrl, { 'worker-postgres': addr(p(postgres, 'client')) }));
    const clusterId = newClusterId();
    const voters = brokers.map((b, i) => `${i + 1}@${b.host}:${p(b, 'controller')}`).join(',');
    const kafka = brokers.map((b, i) =>
      run.startNode(b, () =>
        kafkaProcess({
          java: tools.java,
          libs: tools.kafkaLibs,
          dir,
          readyTimeoutMs,
          ports: { controller: p(b, 'controller'), harness: p(b, 'harness'), api: p(b, 'api'), worker: p(b, 'worker'), apiProxy: p(b, 'api'), workerProxy: p(b, 'worker') },
          node: { name: b.name, id: i + 1, voters, clusterId, brokers: brokers.length, settings: replicatedBrokerSettings, jvmOptions: replicatedBrokerJvmOptions },
        }),
      ),
    );
    const redis = run
      .startNode(primary, () => redisProcess({ bin: tools.redisServer, name: primary.name, port: p(primary, 'client'), dir, readyTimeoutMs }))
      .then(() =>
        Promise.all(
          redisReplicas.map((r) =>
            run.startNode(r, () => redisProcess({ bin: tools.redisServer, name: r.name, port: p(r, 'client'), replicaOf: p(primary, 'client'), dir, readyTimeoutMs })),
          ),
        ),
      )
      .then(() =>
        Promise.all(
          sentinels.map((s) =>
            run.startNode(s, () =>
              sentinelProcess({
                bin: tools.redisServer,
                name: s.name,
                port: p(s, 'sentinel'),
                primaryPort: p(primary, 'client'),
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
      run.startNode(postgres, () => postgresProcess({ binDir: tools.postgresBin, port: p(postgres, 'client'), dir, readyTimeoutMs })),
      ...kafka,
      redis,
    ]);
    run.settle(results);
    const links = await linksReady;
    const redisUrl = `redis://${addr(p(primary, 'client'))}`;
    const listeners = (purpose: string) => brokers.map((b) => `${b.host}:${p(b, purpose)}`);
    return {
      links,
      endpoints: {
        redisUrl,
        postgresUrl: pgUrl(p(postgres, 'client')),
        kafkaBrokers: listeners('harness'),
        toxiproxyUrl,
        apiRedisUrl: redisUrl,
        redisSentinels: { sentinels: sentinels.map((s) => `${s.host}:${p(s, 'sentinel')}`), name: sentinelPrimaryName },
        apiKafkaBrokers: listeners('api'),
        workerKafkaBrokers: listeners('worker'),
        workerPostgresUrl: pgUrl(portOf(links['worker-postgres'].listen)),
      },
      aliases: { redis: primary.name, postgres: postgres.name, kafka: brokers[0]!.name, toxiproxy: toxiproxy.name },
    };
  });
}
