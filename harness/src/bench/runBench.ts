import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { redisKeys } from '@flux-gate/contracts';
import { ensureBenchTools, ensureTools, freePort, localProvider, ManagedProcess, type StackProvider } from '@flux-gate/stack';
import { apiNodeFlags } from '../services/serviceEntries.ts';
import { startSystem } from '../services/startSystem.ts';
import { drainRate, type DrainResult } from './drainRate.ts';
import { type DurabilityResult, durabilityPhase } from './durabilityPhase.ts';
import { enginePhase, type EngineRun } from './enginePhase.ts';
import { type OpeningResult, openingPhase } from './openingPhase.ts';
import { type ProcessesRun, processesPhase } from './processesPhase.ts';
import { type LoadResult, wrkLoad } from './wrkLoad.ts';
import { type PacedResult, pacedLoad } from './pacedLoad.ts';

/** The bench's phases, by their letters. */
export const benchPhases = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] as const;
export type BenchPhase = (typeof benchPhases)[number];

export interface BenchResults {
  at: string;
  phases: BenchPhase[];
  durationS: number;
  connections: number;
  /** Requests per second of phase (e). */
  pacedRate: number;
  /** Seconds of phase (e) at its rate before the measured ones. */
  pacedWarmupS: number;
  baseline?: LoadResult;
  soldOut?: LoadResult;
  accepted?: LoadResult;
  paced?: PacedResult;
  drain?: DrainResult;
  /** (f) the built-in load engine against oha, at each fixed rate, in turns. */
  engines?: EngineRun[];
  /** (g) a sale opening on a warm API: its first seconds against the rest. */
  opening?: OpeningResult;
  /** (h) the gate's take with and without WAIT 1 against a replica. */
  durability?: DurabilityResult;
  /** (i) the built-in engine in 1, 2 and 4 processes at one fixed rate, against a fixed sold-out answer. */
  processes?: ProcessesRun[];
  /** Against (a), when both phases ran. */
  ratios: { soldOutVsBaseline?: number; acceptedVsBaseline?: number };
}

/** (e) comes right after (c) at full speed: its first second, left out, is at the same rate. */
const pacedWarmupS = 1;
// The bench's ceiling lives with the API it measures, behind the API package's own bench entry.
const baselineMain = fileURLToPath(import.meta.resolve('@flux-gate/ingestion-api/baseline-server'));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Measures, in one run on one stack: (a) the bare Fastify+ioredis ceiling, (b) the API's sold-out
 * path, (c) its accepted path with real Kafka acks, (e) latency at a fixed rate (5,000 req/s unless told), and (d) the
 * worker's drain rate, (g) a sale's opening seconds against its rest at the rate of (e), (h) the take with and without WAIT 1 against a replica, and (i) the built-in engine in 1, 2 and 4 processes at one rate. Services talk to the stores directly: no Toxiproxy in the way. The worker is
 * stopped during the API's phases, so that they measure the API. `phases` runs only those.
 */
export async function runBench(opts: {
  durationS: number;
  connections: number;
  pacedRate: number;
  drainOrders: number;
  engineRates: number[];
  /** (i)'s fixed rate and its process counts. */
  processesRate: number;
  processCounts: number[];
  phases?: BenchPhase[];
  log: (line: string) => void;
  /** Where the stores run; the local provider when not given. */
  stack?: StackProvider;
}): Promise<BenchResults> {
  const phases = new Set(opts.phases ?? benchPhases);
  const runs = (phase: BenchPhase) => phases.has(phase);
  // oha, a cargo build on first use, only for the phases that use it.
  const oha = runs('e') || runs('f') ? (await ensureBenchTools({ log: opts.log })).oha : undefined;
  const tools = await ensureTools({ log: opts.log });
  const stack = await (opts.stack ?? localProvider).start({ log: opts.log });
  const port = await freePort();
  const baselineProcess = new ManagedProcess({
    name: 'baseline',
    command: process.execPath,
    // The API's own V8 flags, so that (a) is the ceiling of the same runtime.
    args: [...apiNodeFlags, '--import', 'tsx', baselineMain],
    cwd: repo,
    env: { ...process.env, REDIS_URL: stack.endpoints.redisUrl, PORT: String(port), PRODUCT_ID: 'baseline' },
    logFile: join(stack.dir, 'logs', 'baseline.log'),
    readyTimeoutMs: 30_000,
    ready: async () => {
      const res = await fetch(`http://127.0.0.1:${port}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"probe"}' });
      if (res.status !== 409) throw new Error(`baseline answered ${res.status}`);
    },
  });
  // (e)'s generator picks each request's buyer at random from a list, so a buyer can come twice; a
  // high per-user limit keeps every (e) request on the accepted path. The limit is checked the same
  // way whatever its value, and (a)-(c) buy as a new user every time.
  const system = await startSystem(stack, { direct: true, perUserLimit: 1_000_000, rateLimit: { perSec: 10_000_000, burst: 10_000_000 } }).catch(async (err: unknown) => {
    await stack.stop();
    throw err;
  });
  const redis = new Redis(stack.endpoints.redisUrl);
  try {
    await redis.set(redisKeys.stock('baseline'), 0);
    if (runs('a')) await baselineProcess.start();
    const run = { durationS: opts.durationS, connections: opts.connections };
    const user = (n: number) => `bench-${n}`;
    const load = (label: string, url: string, productId: string) => wrkLoad({ ...run, label, wrk: tools.wrk, url, productId, userPrefix: `bench-${productId}-` });

    let baseline: LoadResult | undefined;
    if (runs('a')) {
      opts.log('(a) baseline: bare Fastify + ioredis running the gate script (sold-out path)');
      baseline = await load('baseline', `http://127.0.0.1:${port}`, 'baseline');
    }
    await baselineProcess.stop();

    const api = system.apiUrls[0]!;
    let opening: OpeningResult | undefined;
    if (runs('g')) {
      // Before the other phases, so that only its own browsing has warmed the API; the worker runs, as in a sale.
      await system.armSale('opening', 1000);
      opts.log(`(g) a sale opening at ${opts.pacedRate.toLocaleString('en-US')} arrivals/s for 1,000 units after 5 s of browsing: its first 3 s against the next 10 s`);
      opening = await openingPhase({ url: api, productId: 'opening', stock: 1000, rate: opts.pacedRate, presaleS: 5, openingS: 3, restS: 10 });
    }
    // The API's phases measure the API: the worker (and the PostgreSQL writes it makes) would only
    // compete for the same two cores. It comes back for its own phase, (d).
    await system.processes.worker!.stop();
    await system.armSale('soldout', 0);
    let soldOut: LoadResult | undefined;
    if (runs('b')) {
      opts.log('(b) full API, sold-out path');
      soldOut = await load('sold out', api, 'soldout');
    }

    let accepted: LoadResult | undefined;
    if (runs('c')) {
      await system.armSale('bulk', 10_000_000);
      opts.log('(c) full API, accepted path (large stock, real Kafka acks=all)');
      accepted = await load('accepted', api, 'bulk');
    }

    let paced: PacedResult | undefined;
    if (runs('e')) {
      await system.armSale('paced', 10_000_000);
      opts.log(`(e) full API, accepted path at a fixed ${opts.pacedRate.toLocaleString('en-US')} req/s (oha, requests evenly spaced)`);
      paced = await pacedLoad({
        label: `accepted @${opts.pacedRate}/s`,
        oha: oha!,
        url: api,
        rate: opts.pacedRate,
        durationS: opts.durationS,
        warmupS: pacedWarmupS,
        // Enough for the rate at up to 12.8 ms each on average (64 at 5,000 req/s); (e) is about
        // latency, not the connection count of (a)-(c), and more idle connections only cost the generator.
        connections: Math.max(64, Math.ceil((opts.pacedRate * 12.8) / 1000)),
        body: (n) => ({ userId: user(n), productId: 'paced' }),
        // Where (e)'s CPU goes: on two cores the generator and the stores compete with the API.
        watch: { api: system.processes.api?.pid, kafka: stack.processes.kafka.pid, redis: stack.processes.redis.pid },
      });
    }

    let engines: EngineRun[] | undefined;
    if (runs('f')) {
      opts.log(`(f) the built-in load engine against oha, on the sold-out path at ${opts.engineRates.join(', ')} req/s`);
      engines = await enginePhase({ url: api, productId: 'soldout', oha: oha!, rates: opts.engineRates, durationS: opts.durationS, warmupS: pacedWarmupS, connections: 64, log: opts.log });
    }

    let processes: ProcessesRun[] | undefined;
    if (runs('i')) {
      opts.log(`(i) the built-in engine in ${opts.processCounts.join(', ')} processes at ${opts.processesRate.toLocaleString('en-US')} req/s, against nginx answering the sold-out 409 itself`);
      processes = await processesPhase({ rate: opts.processesRate, counts: opts.processCounts, durationS: opts.durationS, warmupS: pacedWarmupS, connections: 64, dir: stack.dir, log: opts.log });
    }

    let durability: DurabilityResult | undefined;
    if (runs('h')) {
      opts.log('(h) the take alone, then the take followed by WAIT 1 against a replica (64 callers in the bench process)');
      durability = await durabilityPhase({ redisBin: tools.redisServer, redisUrl: stack.endpoints.redisUrl, dir: join(stack.dir, 'bench-replica'), durationS: opts.durationS, callers: 64, waitMs: 100 });
    }

    let drain: DrainResult | undefined;
    if (runs('d')) {
      opts.log(`(d) worker drain of a ${opts.drainOrders.toLocaleString()}-order Kafka backlog`);
      drain = await drainRate(stack, system, opts.drainOrders);
    }

    return {
      at: new Date().toISOString(),
      phases: [...phases],
      ...run,
      pacedRate: opts.pacedRate,
      pacedWarmupS,
      baseline,
      soldOut,
      accepted,
      paced,
      drain,
      engines,
      opening,
      durability,
      processes,
      ratios: {
        soldOutVsBaseline: baseline && soldOut ? soldOut.reqPerSec / baseline.reqPerSec : undefined,
        acceptedVsBaseline: baseline && accepted ? accepted.okPerSec / baseline.reqPerSec : undefined,
      },
    };
  } finally {
    redis.disconnect();
    await baselineProcess.stop();
    await system.stop();
    await stack.stop();
  }
}
