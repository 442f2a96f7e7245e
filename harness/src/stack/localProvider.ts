import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { ensureTools } from '../tools/ensureTools.ts';
import type { ManagedProcess } from './ManagedProcess.ts';
import { freePorts } from './freePort.ts';
import { kafkaProcess } from './startKafka.ts';
import { postgresDatabase, postgresProcess, postgresUser } from './startPostgres.ts';
import { redisProcess } from './startRedis.ts';
import { toxiproxyProcess } from './startToxiproxy.ts';
import { StackPartError } from './StackPartError.ts';
import { type Link, type LinkName, type StackOptions, type StackPart, type StackProvider, type StartedStack } from './StackProvider.ts';

const host = '127.0.0.1';
const addr = (port: number) => `${host}:${port}`;

/** Runs Redis, PostgreSQL, Kafka (KRaft) and Toxiproxy as native processes on free loopback ports. */
export const localProvider: StackProvider = {
  name: 'local',
  async start(options: StackOptions = {}): Promise<StartedStack> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    const tools = await ensureTools({ log });
    const started = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'flux-gate-stack-'));
    chmodSync(dir, 0o755); // PostgreSQL runs as another user and must reach its folder.
    mkdirSync(join(dir, 'logs'), { recursive: true });
    chmodSync(join(dir, 'logs'), 0o777);

    const processes: Partial<Record<StackPart, ManagedProcess>> = {};
    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        await Promise.allSettled(Object.values(processes).map((p) => p.stop()));
        if (options.keepLogsIn) {
          mkdirSync(options.keepLogsIn, { recursive: true });
          cpSync(join(dir, 'logs'), options.keepLogsIn, { recursive: true });
        }
        rmSync(dir, { recursive: true, force: true });
      })());

    const aborted = () => (options.signal?.aborted ? new Error('stack start was interrupted') : undefined);
    const onAbort = () => void stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const [redisPort, pgPort, toxiPort, ctrl, kHarness, kApi, kWorker, pApiRedis, pApiKafka, pWorkerKafka, pWorkerPg] = (await freePorts(11)) as [
        number, number, number, number, number, number, number, number, number, number, number,
      ];
      const timed = async (part: StackPart, make: () => Promise<ManagedProcess> | ManagedProcess) => {
        const proc = await make();
        const interrupted = aborted();
        if (interrupted) throw interrupted;
        processes[part] = proc;
        await proc.start();
        log(`  ✓ ${part.padEnd(10)} ready in ${proc.readySeconds.toFixed(1)}s (${((performance.now() - started) / 1000).toFixed(1)}s since start)`);
        return proc;
      };
      log(`stack (local, ${dir})`);
      const results = await Promise.allSettled([
        timed('toxiproxy', () => toxiproxyProcess({ bin: tools.toxiproxyServer, port: toxiPort, dir, readyTimeoutMs })),
        timed('redis', () => redisProcess({ bin: tools.redisServer, port: redisPort, dir, readyTimeoutMs })),
        timed('postgres', () => postgresProcess({ binDir: tools.postgresBin, port: pgPort, dir, readyTimeoutMs })),
        timed('kafka', () =>
          kafkaProcess({
            java: tools.java,
            libs: tools.kafkaLibs,
            dir,
            readyTimeoutMs,
            ports: { controller: ctrl, harness: kHarness, api: kApi, worker: kWorker, apiProxy: pApiKafka, workerProxy: pWorkerKafka },
          }),
        ),
      ]);
      const failure = aborted() ?? results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
      if (failure) throw failure;

      const links: Record<LinkName, Link> = {
        'api-redis': { proxy: 'api-redis', listen: addr(pApiRedis), upstream: addr(redisPort) },
        'api-kafka': { proxy: 'api-kafka', listen: addr(pApiKafka), upstream: addr(kApi) },
        'worker-kafka': { proxy: 'worker-kafka', listen: addr(pWorkerKafka), upstream: addr(kWorker) },
        'worker-postgres': { proxy: 'worker-postgres', listen: addr(pWorkerPg), upstream: addr(pgPort) },
      };
      const toxiproxyUrl = `http://${addr(toxiPort)}`;
      const toxiproxy = new Toxiproxy(toxiproxyUrl);
      await Promise.all(
        Object.values(links).map((l) =>
          toxiproxy.createProxy({ name: l.proxy, listen: l.listen, upstream: l.upstream }).catch((err: Error) => {
            throw new StackPartError('toxiproxy', `could not create proxy ${l.proxy}: ${err.message}`, '');
          }),
        ),
      );
      const pgUrl = (port: number) => `postgres://${postgresUser}@${addr(port)}/${postgresDatabase}`;
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
        endpoints: {
          redisUrl: `redis://${addr(redisPort)}`,
          postgresUrl: pgUrl(pgPort),
          kafkaBrokers: [addr(kHarness)],
          toxiproxyUrl,
          apiRedisUrl: `redis://${addr(pApiRedis)}`,
          apiKafkaBrokers: [addr(pApiKafka)],
          workerKafkaBrokers: [addr(pWorkerKafka)],
          workerPostgresUrl: pgUrl(pWorkerPg),
        },
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
  },
};
