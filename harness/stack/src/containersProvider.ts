import { Toxiproxy } from 'toxiproxy-node-client';
import type { ContainerProcess } from './containers/ContainerProcess.ts';
import { type ContainerStackRun, containerStackRun } from './containers/containerStackRun.ts';
import { ensureDockerEngine } from './containers/dockerEngine.ts';
import { ensureInfraImages, type InfraImages } from './containers/images/index.ts';
import { type HostPorts, inside, storeContainers } from './containers/storeContainers.ts';
import { freePorts } from './freePort.ts';
import { stopLeftovers } from './leftovers.ts';
import { addr, pgUrl } from './loopbackAddress.ts';
import { retryOnPortRace } from './lostPortRace.ts';
import { kafkaAnswers, postgresAnswers, redisAnswers, toxiproxyAnswers } from './readinessProbes.ts';
import { startReplicatedContainers } from './replicatedContainerStack.ts';
import { StackPartError } from './StackPartError.ts';
import { type AnyStartedStack, type Link, type LinkName, linkNames, type StackOptions, type StackPart, type StackProvider, type StartedStack } from './StackProvider.ts';
import { postgresDatabase, postgresUser } from './startPostgres.ts';
import type { NodeRole } from './StackTopology.ts';

const nodeRoles: Record<StackPart, NodeRole[]> = { toxiproxy: ['toxiproxy'], redis: ['redis-primary'], postgres: ['postgres'], kafka: ['kafka-broker', 'kafka-controller'] };

/**
 * Runs Redis, PostgreSQL, Kafka (KRaft) and Toxiproxy as containers on a Docker network of their
 * own, with testcontainers. The single shape: Toxiproxy reaches the others by container name, one
 * proxy per client link; everything is published on 127.0.0.1 only, at host ports chosen before
 * the first container starts, so Kafka can advertise each link's proxy port. The replicated shape:
 * replicatedContainerStack.ts. Each part is ready once it printed its start line and then answers
 * the same probe as on the local stack, from the host.
 */
export const containersProvider: StackProvider = {
  name: 'containers',
  start: startContainers as StackProvider['start'],
};

async function startContainers(options: StackOptions = {}): Promise<AnyStartedStack> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Ryuk's image cannot be pulled here; this provider removes what it made by label instead.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // With a /.dockerenv, testcontainers would otherwise pull an image to find the gateway.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  // The services a killed run started on its stack are local processes, whatever the stack.
  await stopLeftovers({ log });
  await ensureDockerEngine({ log });
  const { images } = await ensureInfraImages({ log });
  const shape = options.topology;
  if (shape === 'replicated' || shape === 'cluster') return containerStackRun(images, options, log, shape, (run, stop) => startReplicatedContainers(run, images, options.apiNodes ?? 2, stop, shape));
  return retryOnPortRace(() => containerStackRun(images, options, log, 'single', (run, stop) => startSingle(run, images, stop)), options.signal, log);
}

async function startSingle(run: ContainerStackRun, images: InfraImages, stop: () => Promise<void>): Promise<StartedStack> {
  const { docker, labels, label } = run;
  const network = `flux-gate-${run.runId}`;
  await docker.createNetwork({ Name: network, Driver: 'bridge', CheckDuplicate: true, Labels: labels });
  const [redis, postgres, kafka, toxiproxy, ...proxyPorts] = (await freePorts(4 + linkNames.length)) as number[];
  const ports: HostPorts = {
    redis: redis!,
    postgres: postgres!,
    kafka: kafka!,
    toxiproxy: toxiproxy!,
    proxies: Object.fromEntries(linkNames.map((l, i) => [l, proxyPorts[i]!])) as Record<LinkName, number>,
  };
  const names = Object.fromEntries((['redis', 'postgres', 'kafka', 'toxiproxy'] as const).map((p) => [p, `${network}-${p}`])) as Record<StackPart, string>;
  const specs = storeContainers(network, names, ports);
  const toxiproxyUrl = `http://${addr(ports.toxiproxy)}`;
  const probes: Record<StackPart, () => Promise<unknown>> = {
    redis: () => redisAnswers(ports.redis),
    postgres: () => postgresAnswers(ports.postgres, postgresUser, postgresDatabase),
    kafka: kafkaAnswers(addr(ports.kafka)),
    toxiproxy: () => toxiproxyAnswers(toxiproxyUrl),
  };
  const startPart = (part: StackPart) => run.start(specs[part], probes[part]);
  const linksReady = startPart('toxiproxy').then(async (proc) => ({ proc, links: await createLinks(toxiproxyUrl, names, ports.proxies) }));
  const parts = [startPart('redis'), startPart('postgres'), startPart('kafka')] as const;
  const results = await Promise.allSettled([linksReady, ...parts]);
  run.settle(results);
  const [{ proc: toxiproxyProc, links }, redisProc, postgresProc, kafkaProc] = [await linksReady, ...(await Promise.all(parts))];
  const p: Record<StackPart, ContainerProcess> = { toxiproxy: toxiproxyProc, redis: redisProc, postgres: postgresProc, kafka: kafkaProc };
  return {
    provider: 'containers',
    dir: run.dir,
    links,
    processes: p,
    readiness: { redis: p.redis.readySeconds, postgres: p.postgres.readySeconds, kafka: p.kafka.readySeconds, toxiproxy: p.toxiproxy.readySeconds },
    topology: {
      shape: 'single',
      nodes: (['toxiproxy', 'redis', 'postgres', 'kafka'] as const).map((part) => ({
        name: part,
        part,
        roles: nodeRoles[part],
        host: '127.0.0.1',
        ports: { [part === 'kafka' ? 'harness' : part === 'toxiproxy' ? 'api' : 'client']: ports[part] } as Record<string, number>,
        readySeconds: p[part].readySeconds,
      })),
    },
    endpoints: {
      redisUrl: `redis://${addr(ports.redis)}`,
      postgresUrl: pgUrl(ports.postgres),
      kafkaBrokers: [addr(ports.kafka)],
      toxiproxyUrl,
      apiRedisUrl: `redis://${addr(ports.proxies['api-redis'])}`,
      apiKafkaBrokers: [addr(ports.proxies['api-kafka'])],
      workerKafkaBrokers: [addr(ports.proxies['worker-kafka'])],
      workerPostgresUrl: pgUrl(ports.proxies['worker-postgres']),
    },
    containers: { label, network, images: { redis: images.redis, postgres: images.postgres, kafka: images.kafka, toxiproxy: images.toxiproxy } },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** One proxy per link inside the Toxiproxy container, forwarding to the store by container name. */
async function createLinks(toxiproxyUrl: string, names: Record<StackPart, string>, hostPorts: Record<LinkName, number>): Promise<Record<LinkName, Link>> {
  const upstreams: Record<LinkName, string> = {
    'api-redis': `${names.redis}:${inside.redis}`,
    'api-kafka': `${names.kafka}:${inside.kafka.api}`,
    'worker-kafka': `${names.kafka}:${inside.kafka.worker}`,
    'worker-postgres': `${names.postgres}:${inside.postgres}`,
  };
  const toxiproxy = new Toxiproxy(toxiproxyUrl);
  const links = await Promise.all(
    linkNames.map(async (name): Promise<Link> => {
      await toxiproxy.createProxy({ name, listen: `0.0.0.0:${inside.proxies[name]}`, upstream: upstreams[name] }).catch((err: Error) => {
        throw new StackPartError('toxiproxy', `could not create proxy ${name}: ${err.message}`, '');
      });
      return { proxy: name, listen: addr(hostPorts[name]), upstream: upstreams[name] };
    }),
  );
  return Object.fromEntries(links.map((l) => [l.proxy, l])) as Record<LinkName, Link>;
}
