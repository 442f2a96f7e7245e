import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultContext } from '@flux-gate/chaos';
import { type LoadSummary, runFileNames as files, writeRunFile } from '@flux-gate/run-format';
import type { ResolvedExperiment } from '../experiment/resolveExperiment.ts';
import { loadPlanOf } from '../experiment/loadPlanOf.ts';
import { engines } from '../load/engines.ts';
import { LoadEngineError } from '../load/LoadEngine.ts';
import { mapConcurrently } from '../probes/mapConcurrently.ts';
import { steadyState } from '../probes/steadyState.ts';
import { runSchedule } from './faultScheduler.ts';
import type { RunContext } from './RunContext.ts';
import { roundGuards } from './roundGuards.ts';

/** Where the round's faults act: every process, and on the replicated topology roles resolved at inject and the Sentinels. */
function faultContext(ctx: RunContext): FaultContext {
  const stack = ctx.stack!;
  const processes = { ...stack.processes, ...ctx.system!.processes };
  return { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes, ...(stack.networkNodes ? { nodes: stack.networkNodes } : {}), ...ctx.roles?.faultContext(processes) };
}

/** Products of one round: last-item style experiments sell a fresh product each round. */
function roundProducts(experiment: ResolvedExperiment, round: number): { productId: string; stock: number }[] {
  return experiment.load.rounds === 1 ? experiment.system.products : experiment.system.products.map((p) => ({ ...p, productId: `${p.productId}-r${round + 1}` }));
}

/** Sales armed (or reseeded) at once through the admin API: each is a PostgreSQL write and a Redis script. */
const armAtOnce = 8;

const summed = (a: LoadSummary | undefined, b: LoadSummary): LoadSummary =>
  a ? { ...b, offered: a.offered + b.offered, started: a.started + b.started, dropped: a.dropped + b.dropped, retries: a.retries + b.retries, cpuMs: a.cpuMs + b.cpuMs, wallMs: a.wallMs + b.wallMs } : b;

/**
 * Phase 3, once per round: arm the sale, check the steady state, then run the load with the fault
 * schedule. When the load fails or ends early the schedule is cancelled, and every fault heals
 * before this returns.
 */
export async function runRound(ctx: RunContext, round: number): Promise<void> {
  const { experiment, opts, log, progress } = ctx;
  const stack = ctx.stack!;
  const system = ctx.system!;
  const rounds = experiment.load.rounds;
  const products = roundProducts(experiment, round);
  progress.phase(rounds > 1 ? `round ${round + 1}/${rounds}: arming and steady state` : 'arming the sale and checking the steady state');
  progress.doing(`arming ${products.length === 1 ? 'the sale' : `${products.length} sales`}`);
  for (const p of products) ctx.initialStock[p.productId] = p.stock;
  await mapConcurrently(products, armAtOnce, (p) => system.armSale(p.productId, p.stock));
  ctx.sampler!.watch(products.map((p) => p.productId));
  progress.doing('checking the steady state');
  await steadyState(system.apiUrls, products);

  progress.phase(rounds > 1 ? `round ${round + 1}: load and faults` : 'load and faults');
  progress.loadStarted();
  const loadDone = new AbortController();
  const faultsCancel = new AbortController();
  const cancelFaults = () => faultsCancel.abort();
  opts.signal.addEventListener('abort', cancelFaults, { once: true });
  const kafka = experiment.load.workload === 'kafka';
  const roundFile = join(ctx.runDir, `${kafka ? 'records' : 'history'}.round-${round + 1}.ndjson`);
  const follows = experiment.load.waitingRoom === 'follow';
  const roundQueueFile = join(ctx.runDir, `queue.round-${round + 1}.ndjson`);
  progress.state.tail?.follow(roundFile);
  const healNow = new AbortController();
  // Handled at once: a heal that fails while the load still runs (a killed API instance that cannot
  // start again) is logged and kept in the timeline, and never becomes an unhandled rejection.
  const schedule = runSchedule({
    faults: experiment.faults,
    context: faultContext(ctx),
    timeline: ctx.timeline,
    latest: () => ctx.sampler?.latest,
    stockArmed: () => products.reduce((sum, p) => sum + p.stock, 0),
    // Faults count from the sale's opening, after the pre-sale browsing.
    loadStartedAt: Date.now() + (experiment.load.presale?.duration ?? 0),
    loadDone: loadDone.signal,
    cancel: faultsCancel.signal,
    healNow: healNow.signal,
    reseed: async () => {
      // The API refuses a reseed while orders are still on their way to PostgreSQL; reseed asks until it accepts.
      log('reseeding Redis from PostgreSQL once the API accepts (it waits for the orders still in flight)');
      await mapConcurrently(products, armAtOnce, (p) => system.reseed(p.productId, experiment.drainTimeout, opts.signal));
      log('reseeded');
    },
    log,
  }).catch((err: unknown) => log(`fault schedule: ${err instanceof Error ? err.message : String(err)}`));
  const engine = engines[experiment.load.engine];
  const plan = loadPlanOf(experiment, { apiUrls: system.loadUrls, kafkaBrokers: stack.endpoints.kafkaBrokers, productIds: products.map((p) => p.productId) }, opts.seed, round);
  const guards = roundGuards(ctx, round, roundFile, () => healNow.abort());
  let ran: LoadSummary;
  try {
    ran = await engine.run(plan, {
      historyFile: roundFile,
      ...(follows ? { queueFile: roundQueueFile } : {}),
      signal: guards.signal,
      log,
      logFile: join(ctx.runDir, files.logs, `load-${engine.name}.log`),
      ...(experiment.load.engineCpus === undefined ? {} : { cpus: experiment.load.engineCpus }),
    });
  } catch (err) {
    cancelFaults();
    if (err instanceof LoadEngineError) ctx.startFailed = true;
    throw err;
  } finally {
    guards.stop();
    loadDone.abort();
    await schedule;
    opts.signal.removeEventListener('abort', cancelFaults);
    if (existsSync(roundFile)) {
      appendFileSync(join(ctx.runDir, kafka ? files.records : files.history), readFileSync(roundFile));
      rmSync(roundFile);
    }
    if (existsSync(roundQueueFile)) {
      appendFileSync(join(ctx.runDir, files.queue), readFileSync(roundQueueFile));
      rmSync(roundQueueFile);
    }
  }
  ctx.load = summed(ctx.load, ran);
  writeRunFile(ctx.runDir, files.load, ctx.load);
  if (ran.dropped) log(`${ran.dropped} of ${ran.offered} arrival(s) dropped at the in-flight cap (${experiment.load.maxInFlight})`);
}
