import { ensureStackTools, type StackTools } from './tools/ensureTools.ts';
import { createLinks } from './createLinks.ts';
import { freePorts } from './freePort.ts';
import { kafkaProcess } from './startKafka.ts';
import { localStackRun } from './localStackRun.ts';
import { addr, loopback as host, pgUrl, portOf as port } from './loopbackAddress.ts';
import { postgresProcess } from './startPostgres.ts';
import { redisProcess } from './startRedis.ts';
import { toxiproxyProcess } from './startToxiproxy.ts';
import { stopLeftovers } from './leftovers.ts';
import { retryOnPortRace } from './lostPortRace.ts';
import { startReplicatedLocal } from './replicatedLocalStack.ts';
import type { AnyStartedStack, Link, LinkName, StackOptions, StackProvider, StartedStack } from './StackProvider.ts';
import type { StackNode } from './StackTopology.ts';

/**
 * Runs Redis, PostgreSQL, Kafka (KRaft) and Toxiproxy as native processes on free loopback ports:
 * one node each (`single`), or 3 Kafka nodes, a Redis primary with 2 replicas and 3 Sentinels
 * (`replicated`), or 3 Kafka nodes and a Redis Cluster of 3 primaries with a replica each (`cluster`).
 */
export const localProvider: StackProvider = {
  name: 'local',
  start: startLocal as StackProvider['start'],
};

async function startLocal(options: StackOptions = {}): Promise<AnyStartedStack> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const tools = await ensureStackTools({ log });
  await stopLeftovers({ log });
  const startOnce = options.topology === 'replicated' || options.topology === 'cluster' ? startReplicatedLocal : startSingle;
  return retryOnPortRace(() => startOnce(tools, options, log), options.signal, log);
}

/** The single shape: one node per store, every client link through its Toxiproxy proxy. */
async function startSingle(tools: StackTools, options: StackOptions, log: (line: string) => void): Promise<StartedStack> {
  const [redisPort, pgPort, toxiPort, ctrl, kHarness, kApi, kWorker] = (await freePorts(7)) as [number, number, number, number, number, number, number];
  const nodes = {
    toxiproxy: { name: 'toxiproxy', part: 'toxiproxy', roles: ['toxiproxy'], host, ports: { api: toxiPort } },
    redis: { name: 'redis', part: 'redis', roles: ['redis-primary'], host, ports: { client: redisPort } },
    postgres: { name: 'postgres', part: 'postgres', roles: ['postgres'], host, ports: { client: pgPort } },
    kafka: { name: 'kafka', part: 'kafka', roles: ['kafka-broker', 'kafka-controller'], host, ports: { harness: kHarness, api: kApi, worker: kWorker, controller: ctrl } },
  } satisfies Record<string, StackNode>;
  return localStackRun('single', Object.values(nodes), options, log, async (run) => {
    const { dir, readyTimeoutMs } = run;
    const upstreams: Record<LinkName, string> = {
      'api-redis': addr(redisPort),
      'api-kafka': addr(kApi),
      'worker-kafka': addr(kWorker),
      'worker-postgres': addr(pgPort),
    };
    const toxiproxyUrl = `http://${addr(toxiPort)}`;
    // Toxiproxy comes first: each proxy listens on a port the OS picks (no race with a stack
    // starting beside this one), and Kafka's listeners advertise those ports.
    const linksReady = run
      .startNode(nodes.toxiproxy, () => toxiproxyProcess({ bin: tools.toxiproxyServer, port: toxiPort, dir, readyTimeoutMs }))
      .then(() => createLinks(toxiproxyUrl, upstreams));
    const results = await Promise.allSettled([
      linksReady,
      run.startNode(nodes.redis, () => redisProcess({ bin: tools.redisServer, port: redisPort, dir, readyTimeoutMs })),
      run.startNode(nodes.postgres, () => postgresProcess({ binDir: tools.postgresBin, port: pgPort, dir, readyTimeoutMs })),
      linksReady.then((l) =>
        run.startNode(nodes.kafka, () =>
          kafkaProcess({
            java: tools.java,
            libs: tools.kafkaLibs,
            dir,
            readyTimeoutMs,
            ports: { controller: ctrl, harness: kHarness, api: kApi, worker: kWorker, apiProxy: port(l['api-kafka'].listen), workerProxy: port(l['worker-kafka'].listen) },
          }),
        ),
      ),
    ]);
    run.settle(results);
    const links: Record<LinkName, Link> = await linksReady;
    return {
      links,
      endpoints: {
        redisUrl: `redis://${addr(redisPort)}`,
        postgresUrl: pgUrl(pgPort),
        kafkaBrokers: [addr(kHarness)],
        toxiproxyUrl,
        apiRedisUrl: `redis://${addr(port(links['api-redis'].listen))}`,
        apiKafkaBrokers: [addr(port(links['api-kafka'].listen))],
        workerKafkaBrokers: [addr(port(links['worker-kafka'].listen))],
        workerPostgresUrl: pgUrl(port(links['worker-postgres'].listen)),
      },
      aliases: { redis: 'redis', postgres: 'postgres', kafka: 'kafka', toxiproxy: 'toxiproxy' },
    };
  });
}
