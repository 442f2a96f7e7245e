import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getContainerRuntimeClient, Wait } from 'testcontainers';
import { Toxiproxy } from 'toxiproxy-node-client';
import { appendLog, ContainerProcess } from './containers/ContainerProcess.ts';
import { ensureDockerEngine } from './containers/dockerEngine.ts';
import { ensureInfraImages, type InfraImages } from './containers/images/index.ts';
import { LoopbackContainer } from './containers/LoopbackContainer.ts';
import { stopLeftovers } from './leftovers.ts';
import { labelKeys, removeLabelled, removeLeftovers, runLabels } from './containers/runLabels.ts';
import { type ContainerSpec, type HostPorts, inside, storeContainers } from './containers/storeContainers.ts';
import { freePorts } from './freePort.ts';
import { logTail } from './logTail.ts';
import { retryOnPortRace } from './lostPortRace.ts';
import { kafkaAnswers, postgresAnswers, redisAnswers, toxiproxyAnswers } from './readinessProbes.ts';
import { StackPartError } from './StackPartError.ts';
import { type Link, type LinkName, linkNames, type StackOptions, type StackPart, type StackProvider, type StartedStack } from './StackProvider.ts';
import { addr, pgUrl } from './loopbackAddress.ts';
import { postgresDatabase, postgresUser } from './startPostgres.ts';
import type { NodeRole } from './StackTopology.ts';
import { waitFor } from './waitFor.ts';

const nodeRoles: Record<StackPart, NodeRole[]> = { toxiproxy: ['toxiproxy'], redis: ['redis-primary'], postgres: ['postgres'], kafka: ['kafka-broker', 'kafka-controller'] };

/**
 * Runs Redis, PostgreSQL, Kafka (KRaft) and Toxiproxy as containers on a Docker network of their
 * own, with testcontainers. Toxiproxy reaches the others by container name, one proxy per client
 * link; everything is published on 127.0.0.1 only, at host ports chosen before the first container
 * starts, so Kafka can advertise each link's proxy port. Each part is ready once it printed its
 * start line and then answers the same probe as on the local stack, from the host.
 */
export const containersProvider: StackProvider = {
  name: 'containers',
  start: startContainers as StackProvider['start'],
};

async function startContainers(options: StackOptions = {}): Promise<StartedStack> {
  if (options.topology === 'replicated') {
    throw new StackPartError('stack', 'the containers provider starts the single shape only; run the replicated shape on the local one (--stack local)', '');
  }
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Ryuk's image cannot be pulled here; this provider removes what it made by label instead.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // With a /.dockerenv, testcontainers would otherwise pull an image to find the gateway.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  // The services a killed run started on its stack are local processes, whatever the stack.
  await stopLeftovers({ log });
  await ensureDockerEngine({ log });
  const { images } = await ensureInfraImages({ log });
  return retryOnPortRace(() => startOnce(images, options, log), options.signal, log);
}

async function startOnce(images: InfraImages, options: StackOptions, log: (line: string) => void): Promise<StartedStack> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = performance.now();
  const since = () => ((performance.now() - started) / 1000).toFixed(1);
  const client = await getContainerRuntimeClient();
  const docker = client.container.dockerode;
  const removed = await removeLeftovers(docker);
  if (removed) log(`  removed ${removed} containers and networks left by killed runs`);

  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const labels = runLabels(runId);
  const label = `${labelKeys.run}=${runId}`;
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-stack-'));
  mkdirSync(join(dir, 'logs'));
  // A started stack keeps its process up until stop(), as the local stack's child processes do:
  // nothing else holds the event loop, and a process that ended would leave its containers running.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await removeLabelled(docker, { [labelKeys.run]: runId });
      clearInterval(keepAlive);
      if (options.keepLogsIn) {
        mkdirSync(options.keepLogsIn, { recursive: true });
        cpSync(join(dir, 'logs'), options.keepLogsIn, { recursive: true });
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    })());
  // An interrupt removes the containers at once, which ends their readiness waits; stop() runs
  // again once every start has settled, for anything created meanwhile.
  const onAbort = () => void removeLabelled(docker, { [labelKeys.run]: runId }).catch(() => {});
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const aborted = () => (options.signal?.aborted ? new Error('stack start was interrupted') : undefined);
  try {
    log(`stack (containers, ${images.source} images, label ${label}, logs ${join(dir, 'logs')})`);
    const network = `flux-gate-${runId}`;
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
    const specs = storeContainers(names, ports);
    const toxiproxyUrl = `http://${addr(ports.toxiproxy)}`;
    const probes: Record<StackPart, () => Promise<unknown>> = {
      redis: () => redisAnswers(ports.redis),
      postgres: () => postgresAnswers(ports.postgres, postgresUser, postgresDatabase),
      kafka: kafkaAnswers(addr(ports.kafka)),
      toxiproxy: () => toxiproxyAnswers(toxiproxyUrl),
    };
    const processes: Partial<Record<StackPart, ContainerProcess>> = {};
    const startPart = async (spec: ContainerSpec) => {
      const logFile = join(dir, 'logs', `${spec.part}.log`);
      const container = new LoopbackContainer(images[spec.part])
        .withName(spec.name)
        .withNetworkMode(network)
        .withLabels(labels)
        .withEnvironment(spec.env)
        .withLoopbackPorts(spec.publish)
        .withLogConsumer((stream) => appendLog(stream, logFile))
        .withWaitStrategy(Wait.forLogMessage(spec.readyLine))
        .withStartupTimeout(readyTimeoutMs);
      if (spec.command) container.withCommand(spec.command);
      if (spec.sharedMemoryBytes) container.withSharedMemorySize(spec.sharedMemoryBytes);
      const begun = performance.now();
      try {
        const interrupted = aborted();
        if (interrupted) throw interrupted;
        const running = await container.start();
        await waitFor(probes[spec.part], { timeoutMs: readyTimeoutMs, abort: () => aborted()?.message });
        const proc = await new ContainerProcess(spec.part, running.getId(), logFile, docker, probes[spec.part], readyTimeoutMs, (performance.now() - begun) / 1000).refresh();
        processes[spec.part] = proc;
        log(`  ✓ ${spec.part.padEnd(10)} ready in ${proc.readySeconds.toFixed(1)}s (${since()}s since start)`);
        options.onPartReady?.(spec.part);
        return proc;
      } catch (err) {
        if (err instanceof StackPartError) throw err;
        const pull = images.source === 'official' && /registry|no such host|dial tcp|pull access|manifest/i.test((err as Error).message);
        const hint = pull ? ' (the official images need a registry; without one, build them here: unset FLUXGATE_IMAGES and run npm run setup -- --containers)' : '';
        throw new StackPartError(spec.part, `container did not start: ${(err as Error).message.trim()}${hint}`, logTail(logFile), logFile);
      }
    };
    const linksReady = startPart(specs.toxiproxy).then(() => createLinks(toxiproxyUrl, names, ports.proxies));
    const results = await Promise.allSettled([linksReady, startPart(specs.redis), startPart(specs.postgres), startPart(specs.kafka)]);
    const failure = aborted() ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
    if (failure) throw failure;
    const links = await linksReady;
    const p = processes as Record<StackPart, ContainerProcess>;
    const stack: StartedStack = {
      provider: 'containers',
      dir,
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
    const interrupted = aborted();
    if (interrupted) throw interrupted;
    log(`  stack ready in ${since()}s`);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
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
