import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { ensureStackTools, type StackTools } from './tools/ensureTools.ts';
import type { ManagedProcess } from './ManagedProcess.ts';
import { freePorts } from './freePort.ts';
import { kafkaProcess } from './startKafka.ts';
import { postgresDatabase, postgresProcess, postgresUser } from './startPostgres.ts';
import { redisProcess } from './startRedis.ts';
import { toxiproxyProcess } from './startToxiproxy.ts';
import { recordOwned, stopLeftovers } from './leftovers.ts';
import { lostPortRace } from './lostPortRace.ts';
import { StackPartError } from './StackPartError.ts';
import { type Link, type LinkName, linkNames, type StackOptions, type StackPart, type StackProvider, type StartedStack } from './StackProvider.ts';

const host = '127.0.0.1';
const addr = (port: number) => `${host}:${port}`;

/** Runs Redis, PostgreSQL, Kafka (KRaft) and Toxiproxy as native processes on free loopback ports. */
export const localProvider: StackProvider = {
  name: 'local',
  async start(options: StackOptions = {}): Promise<StartedStack> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const tools = await ensureStackTools({ log });
    await stopLeftovers({ log });
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOnce(tools, options, log);
      } catch (err) {
        if (attempt >= 3 || options.signal?.aborted || !lostPortRace(err)) throw err;
        log(`  a port was taken by another process during start; starting again (attempt ${attempt + 1})`);
      }
    }
  },
};

const port = (hostPort: string) => Number(hostPort.split(':').at(-1));
const pgUrl = (port: number) => `postgres://${postgresUser}@${addr(port)}/${postgresDatabase}`;

/** One Toxiproxy proxy per client link, each listening on a port the OS picks. */
async function createLinks(toxiproxyUrl: string, upstreams: Record<LinkName, string>): Promise<Record<LinkName, Link>> {
  const toxiproxy = new Toxiproxy(toxiproxyUrl);
  const links = await Promise.all(
    linkNames.map(async (name): Promise<Link> => {
      const proxy = await toxiproxy.createProxy({ name, listen: addr(0), upstream: upstreams[name] }).catch((err: Error) => {
        throw new StackPartError('toxiproxy', `could not create proxy ${name}: ${err.message}`, '');
      });
      return { proxy: name, listen: proxy.listen, upstream: upstreams[name] };
    }),
  );
  return Object.fromEntries(links.map((l) => [l.proxy, l])) as Record<LinkName, Link>;
}

/** The direct addresses (for the harness) and each link's proxy address (for the services). */
function endpointsOf(direct: { redisPort: number; pgPort: number; kHarness: number }, toxiproxyUrl: string, links: Record<LinkName, Link>): StartedStack['endpoints'] {
  return {
    redisUrl: `redis://${addr(direct.redisPort)}`,
    postgresUrl: pgUrl(direct.pgPort),
    kafkaBrokers: [addr(direct.kHarness)],
    toxiproxyUrl,
    apiRedisUrl: `redis://${addr(port(links['api-redis'].listen))}`,
    apiKafkaBrokers: [addr(port(links['api-kafka'].listen))],
    workerKafkaBrokers: [addr(port(links['worker-kafka'].listen))],
    workerPostgresUrl: pgUrl(port(links['worker-postgres'].listen)),
  };
}

async function startOnce(tools: StackTools, options: StackOptions, log: (line: string) => void): Promise<StartedStack> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'flux-gate-stack-'));
  const forgetDir = recordOwned({ kind: 'folder', name: 'stack', path: dir });
  chmodSync(dir, 0o755); // PostgreSQL runs as another user and must reach its folder.
  mkdirSync(join(dir, 'logs'), { recursive: true });
  chmodSync(join(dir, 'logs'), 0o777);

  const processes: Partial<Record<StackPart, ManagedProcess>> = {};
  const stopProcesses = () => Promise.allSettled(Object.values(processes).map((p) => p.stop()));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await stopProcesses();
      if (options.keepLogsIn) {
        mkdirSync(options.keepLogsIn, { recursive: true });
        cpSync(join(dir, 'logs'), options.keepLogsIn, { recursive: true });
      }
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      forgetDir();
    })());

  const aborted = () => (options.signal?.aborted ? new Error('stack start was interrupted') : undefined);
  // An interrupt stops the parts already running at once, which ends their readiness waits. The
  // folder goes only once every part's start has settled (in the catch below): a part still being
  // made (initdb writing its cluster) would otherwise race the removal or recreate the folder.
  const onAbort = () => void stopProcesses();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const [redisPort, pgPort, toxiPort, ctrl, kHarness, kApi, kWorker] = (await freePorts(7)) as [number, number, number, number, number, number, number];
    const timed = async (part: StackPart, make: () => Promise<ManagedProcess> | ManagedProcess) => {
      const proc = await make();
      const interrupted = aborted();
      if (interrupted) throw interrupted;
      processes[part] = proc;
      await proc.start();
      log(`  ✓ ${part.padEnd(10)} ready in ${proc.readySeconds.toFixed(1)}s (${((performance.now() - started) / 1000).toFixed(1)}s since start)`);
      options.onPartReady?.(part);
      return proc;
    };
    log(`stack (local, ${dir})`);
    const upstreams: Record<LinkName, string> = {
      'api-redis': addr(redisPort),
      'api-kafka': addr(kApi),
      'worker-kafka': addr(kWorker),
      'worker-postgres': addr(pgPort),
    };
    const toxiproxyUrl = `http://${addr(toxiPort)}`;
    // Toxiproxy comes first: each proxy listens on a port the OS picks (no race with a stack
    // starting beside this one), and Kafka's listeners advertise those ports.
    const linksReady = timed('toxiproxy', () => toxiproxyProcess({ bin: tools.toxiproxyServer, port: toxiPort, dir, readyTimeoutMs })).then(() => createLinks(toxiproxyUrl, upstreams));
    const results = await Promise.allSettled([
      linksReady,
      timed('redis', () => redisProcess({ bin: tools.redisServer, port: redisPort, dir, readyTimeoutMs })),
      timed('postgres', () => postgresProcess({ binDir: tools.postgresBin, port: pgPort, dir, readyTimeoutMs })),
      linksReady.then((l) =>
        timed('kafka', () =>
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
    const failure = aborted() ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
    if (failure) throw failure;
    const links = await linksReady;
    const p = processes as Record<StackPart, ManagedProcess>;
    const stack: StartedStack = {
      provider: 'local',
      dir,
      links,
      processes: p,
      readiness: {
        redis: p.redis.readySeconds,
        postgres: p.postgres.readySeconds,
        kafka: p.kafka.readySeconds,
        toxiproxy: p.toxiproxy.readySeconds,
      },
      endpoints: endpointsOf({ redisPort, pgPort, kHarness }, toxiproxyUrl, links),
      stop,
      [Symbol.asyncDispose]: stop,
    };
    const interrupted = aborted();
    if (interrupted) throw interrupted;
    options.signal?.removeEventListener('abort', onAbort);
    log(`  stack ready in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return stack;
  } catch (err) {
    options.signal?.removeEventListener('abort', onAbort);
    await stop();
    throw err;
  }
}

