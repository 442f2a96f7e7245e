import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaultTimeline, healAll } from '@flux-gate/chaos';
import { summarizeRun, writeReport } from '@flux-gate/reports';
import { type HistoryEntry, type LoadSummary, nearestRankQuantile, readRun, type RecordEntry, type Results, runFileNames as files } from '@flux-gate/run-format';
import { defaultInvariants, runCheckers } from '../checkers/index.ts';
import { engines } from '../load/engines.ts';
import { LoadEngineError } from '../load/LoadEngine.ts';
import { localProvider } from '@flux-gate/stack';
import type { StartedStack } from '@flux-gate/stack';
import { startSystem, type StartedSystem } from '../services/startSystem.ts';
import { ensureTools } from '@flux-gate/stack';
import { drain } from '../probes/drain.ts';
import type { Experiment } from '../experiment/experimentSchema.ts';
import { runSchedule } from './faultScheduler.ts';
import { buildManifest } from './manifest.ts';
import { openStores } from '../probes/openStores.ts';
import { HistoryTail, Progress } from './progress.ts';
import { loadPlanOf } from '../experiment/loadPlanOf.ts';
import { Sampler } from '../probes/sampler.ts';
import { snapshot } from '../probes/snapshot.ts';
import { steadyState } from '../probes/steadyState.ts';

export interface RunOptions {
  seed: number;
  /** runs/ folder; the run goes to runs/<experiment>/<timestamp>/. */
  runsDir: string;
  /** Plain output for CI (no overwritten status line). */
  ci: boolean;
  signal: AbortSignal;
  repo: string;
}

export interface RunOutcome {
  runDir: string;
  results: Results;
  /** The stack, the system or the load engine could not start. */
  startFailed: boolean;
}

const write = (dir: string, name: string, value: unknown) => writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);

/** Products of one round: last-item style experiments sell a fresh product each round. */
function roundProducts(experiment: Experiment, round: number): { productId: string; stock: number }[] {
  return experiment.load.rounds === 1 ? experiment.system.products : experiment.system.products.map((p) => ({ ...p, productId: `${p.productId}-r${round + 1}` }));
}

/**
 * Runs one experiment end to end: stack, system, steady state, the load engine with the fault schedule, heal,
 * drain, snapshot, checkers, report. Healing and stopping always run; the run folder is always kept.
 */
export async function runExperiment(experiment: Experiment, opts: RunOptions): Promise<RunOutcome> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(opts.runsDir, experiment.name, stamp);
  mkdirSync(join(runDir, files.logs), { recursive: true });
  write(runDir, files.experiment, { ...experiment, seed: opts.seed });
  const progress = new Progress({ phase: 'setup', startedAt: Date.now() }, opts.ci);
  const log = (line: string) => progress.note(line);
  progress.start();
  process.stderr.write(`run folder: ${runDir}\n`);

  const tools = await ensureTools({ log });
  const manifest = await buildManifest({ experiment: experiment.name, seed: opts.seed, tools, cwd: opts.repo, engine: experiment.load.engine });
  write(runDir, files.manifest, manifest);

  const timeline = new FaultTimeline();
  const historyFile = join(runDir, files.history);
  const initialStock: Record<string, number> = {};
  let stack: StartedStack | undefined;
  let system: StartedSystem | undefined;
  let stores: Awaited<ReturnType<typeof openStores>> | undefined;
  let sampler: Sampler | undefined;
  let startFailed = true;
  let load: LoadSummary | undefined;
  let loadUnavailable = false;
  let drainSeconds: number | null = null;
  let results: Results | undefined;
  let error: string | undefined;
  try {
    progress.phase('starting the stack');
    stack = await localProvider.start({ keepLogsIn: join(runDir, files.logs), signal: opts.signal, log });
    progress.phase('starting the system');
    const s = experiment.system;
    system = await startSystem(stack, s);
    stores = await openStores(stack.endpoints, system.workerGroupId);
    startFailed = false;

    sampler = new Sampler(stores, join(runDir, files.samples));
    progress.state.sample = () => sampler?.latest;
    progress.state.tail = new HistoryTail(historyFile);
    progress.state.activeFaults = () => timeline.toJSON().filter((f) => f.healedAt === undefined && !f.error).map((f) => f.label);

    for (let round = 0; round < experiment.load.rounds; round++) {
      if (opts.signal.aborted) break;
      const products = roundProducts(experiment, round);
      progress.phase(experiment.load.rounds > 1 ? `round ${round + 1}/${experiment.load.rounds}: arming and steady state` : 'arming the sale and checking the steady state');
      for (const p of products) {
        await system.armSale(p.productId, p.stock);
        initialStock[p.productId] = p.stock;
      }
      sampler.watch(products.map((p) => p.productId));
      await steadyState(system.apiUrls, products);

      progress.phase(experiment.load.rounds > 1 ? `round ${round + 1}: load and faults` : 'load and faults');
      const loadDone = new AbortController();
      // Cancelled with the run, or when the load fails: every fault then heals before anything stops.
      const faultsCancel = new AbortController();
      const cancelFaults = () => faultsCancel.abort();
      opts.signal.addEventListener('abort', cancelFaults, { once: true });
      const kafkaWorkload = experiment.load.workload === 'kafka';
      const roundFile = join(runDir, `${kafkaWorkload ? 'records' : 'history'}.round-${round + 1}.ndjson`);
      const runFile = join(runDir, kafkaWorkload ? files.records : files.history);
      progress.state.tail?.follow(roundFile);
      const schedule = runSchedule({
        faults: experiment.faults,
        context: { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: { ...stack.processes, ...system.processes } },
        timeline,
        latest: () => sampler?.latest,
        stockArmed: () => products.reduce((sum, p) => sum + p.stock, 0),
        loadStartedAt: Date.now(),
        loadDone: loadDone.signal,
        cancel: faultsCancel.signal,
        reseed: async () => {
          const st = stores!;
          log('waiting for the worker to drain before reseeding Redis from PostgreSQL');
          await drain(st, products.map((p) => p.productId), experiment.drainTimeout, opts.signal);
          for (const p of products) await system!.reseed(p.productId);
          log('reseeded');
        },
        log,
      });
      const engine = engines[experiment.load.engine];
      const plan = loadPlanOf(experiment, { apiUrls: system.apiUrls, kafkaBrokers: stack.endpoints.kafkaBrokers, productIds: products.map((p) => p.productId) }, opts.seed, round);
      let ran: LoadSummary;
      try {
        ran = await engine.run(plan, { historyFile: roundFile, signal: opts.signal, log, logFile: join(runDir, files.logs, `load-${engine.name}.log`) });
      } catch (err) {
        cancelFaults();
        if (err instanceof LoadEngineError) loadUnavailable = true;
        throw err;
      } finally {
        loadDone.abort();
        await schedule
          .catch((err: unknown) => log(`fault schedule: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => {
            opts.signal.removeEventListener('abort', cancelFaults);
            if (existsSync(roundFile)) {
              appendFileSync(runFile, readFileSync(roundFile));
              rmSync(roundFile);
            }
          });
      }
      load = load
        ? { ...ran, offered: load.offered + ran.offered, started: load.started + ran.started, dropped: load.dropped + ran.dropped, retries: load.retries + ran.retries, cpuMs: load.cpuMs + ran.cpuMs, wallMs: load.wallMs + ran.wallMs }
        : ran;
      write(runDir, files.load, load);
      if (ran.dropped) log(`${ran.dropped} of ${ran.offered} arrival(s) dropped at the in-flight cap (${experiment.load.maxInFlight})`);
    }

    if (opts.signal.aborted) throw new Error('interrupted');
    progress.phase('healing every fault');
    await healAll(stack.endpoints.toxiproxyUrl);
    progress.phase('draining the worker');
    await sampler.tick();
    const backlog = sampler.latest?.kafkaLag ?? null;
    const drained = await drain(stores, Object.keys(initialStock), experiment.drainTimeout, opts.signal);
    drainSeconds = drained.seconds;
    if (drained.seconds === null) {
      log(`the pipeline did not drain within ${experiment.drainTimeout / 1000}s (Kafka lag ${drained.lag}, ${drained.inFlight} order(s) in flight in the API)`);
    }
    sampler.stop();
    await sampler.tick();

    progress.phase('reading the final state');
    const final = await snapshot(stores, stack.endpoints.kafkaBrokers, initialStock, drained.seconds !== null);
    write(runDir, files.finalState, final);
    write(runDir, files.faults, timeline.toJSON());

    progress.phase('checking invariants');
    const run = await readRun(runDir);
    const history: HistoryEntry[] = [];
    let dropped = 0;
    for await (const entry of run.history()) {
      if (entry.outcome === 'dropped') dropped++;
      else history.push(entry);
    }
    const records: RecordEntry[] = [];
    for await (const record of run.records()) records.push(record);
    const checked = runCheckers(
      {
        history,
        dropped,
        records,
        thresholds: experiment.thresholds,
        faults: timeline.toJSON(),
        final,
        initialStock,
        perUserLimit: experiment.system.perUserLimit,
        ...(experiment.unknownBudget === undefined ? {} : { unknownBudget: experiment.unknownBudget }),
      },
      experiment.invariants ?? defaultInvariants[experiment.load.workload],
    );
    const { figures } = await summarizeRun(runDir);
    const acked = records.filter((r) => r.outcome === 'ok');
    const ackLatency = acked.map((r) => r.latencyMs).sort((a, b) => a - b);
    const span = records.length ? (records.reduce((max, r) => Math.max(max, r.ts), 0) - records.reduce((min, r) => Math.min(min, r.intendedTs), Infinity)) / 1000 : 0;
    const kafkaFigures = records.length
      ? {
          // For records, a request is a record produced and its latency the wait for its ack.
          requests: records.length - records.filter((r) => r.outcome === 'dropped').length,
          reqPerSec: span > 0 ? records.length / span : records.length,
          p50Ms: nearestRankQuantile(ackLatency, 0.5),
          p95Ms: nearestRankQuantile(ackLatency, 0.95),
          p99Ms: nearestRankQuantile(ackLatency, 0.99),
          recordsAcked: acked.length,
          dropped: records.filter((r) => r.outcome === 'dropped').length,
          backlogAtDrain: backlog,
          // The backlog left when the load ended and every fault healed, over the time the worker took to clear it.
          drainRatePerSec: drainSeconds === null || backlog === null || drainSeconds === 0 ? null : backlog / drainSeconds,
        }
      : {};
    results = { verdict: checked.verdict, checks: checked.checks, figures: { ...figures, drainSeconds: drainSeconds ?? figures.drainSeconds, ...kafkaFigures } };
  } catch (err) {
    error = opts.signal.aborted ? 'interrupted (Ctrl-C)' : err instanceof Error ? err.message : String(err);
    log(`error: ${error}`);
  } finally {
    progress.phase('healing and stopping everything');
    sampler?.stop();
    if (stack) await healAll(stack.endpoints.toxiproxyUrl).catch(() => {});
    write(runDir, files.faults, timeline.toJSON());
    await stores?.close().catch(() => {});
    await system?.stop().catch(() => {});
    await stack?.stop().catch(() => {});
    progress.stop();
  }
  if (!results) {
    const { figures } = await summarizeRun(runDir).catch(() => ({ figures: undefined }));
    results = {
      verdict: 'unknown',
      checks: [],
      figures: figures ?? { requests: 0, reqPerSec: 0, accepted: 0, sold: 0, unknown: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, errorRate: 0, drainSeconds: null, recovery: [] },
      error,
    };
  }
  write(runDir, files.results, results);
  write(runDir, files.manifest, { ...manifest, finishedAt: Date.now() });
  await writeReport(runDir).catch((err: unknown) => process.stderr.write(`report not written: ${String(err)}\n`));
  return { runDir, results, startFailed: (startFailed || loadUnavailable) && !!error };
}
