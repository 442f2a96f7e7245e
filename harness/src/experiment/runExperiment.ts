import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FaultTimeline, healAll } from '@flux-gate/chaos';
import { type CheckResult, type HistoryEntry, readRun, type Results, runFileNames as files, summarizeRun, writeReport } from '@flux-gate/reports';
import { runCheckers, worstVerdict } from '../checkers/index.ts';
import { localProvider } from '../stack/localProvider.ts';
import type { StartedStack } from '../stack/StackProvider.ts';
import { startSystem, type StartedSystem } from '../system/startSystem.ts';
import { ensureTools } from '../tools/ensureTools.ts';
import { drain } from './drain.ts';
import type { Experiment } from './experimentSchema.ts';
import { runSchedule } from './faultScheduler.ts';
import { buildManifest } from './manifest.ts';
import { openStores } from './openStores.ts';
import { HistoryTail, Progress } from './progress.ts';
import { runK6 } from './runK6.ts';
import { Sampler } from './sampler.ts';
import { snapshot } from './snapshot.ts';
import { steadyState } from './steadyState.ts';

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
  /** The stack or the system could not start. */
  startFailed: boolean;
}

const write = (dir: string, name: string, value: unknown) => writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);

/** Products of one round: last-item style experiments sell a fresh product each round. */
function roundProducts(experiment: Experiment, round: number): { productId: string; stock: number }[] {
  return experiment.load.rounds === 1 ? experiment.system.products : experiment.system.products.map((p) => ({ ...p, productId: `${p.productId}-r${round + 1}` }));
}

/**
 * Runs one experiment end to end: stack, system, steady state, k6 with the fault schedule, heal,
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
  const manifest = await buildManifest({ experiment: experiment.name, seed: opts.seed, tools, cwd: opts.repo });
  write(runDir, files.manifest, manifest);

  const timeline = new FaultTimeline();
  const historyFile = join(runDir, files.history);
  const initialStock: Record<string, number> = {};
  let stack: StartedStack | undefined;
  let system: StartedSystem | undefined;
  let stores: Awaited<ReturnType<typeof openStores>> | undefined;
  let sampler: Sampler | undefined;
  let startFailed = true;
  let thresholdsCrossed = false;
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
      const roundFile = join(runDir, `history.round-${round + 1}.ndjson`);
      progress.state.tail?.follow(roundFile);
      const schedule = runSchedule({
        faults: experiment.faults,
        context: { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: { ...stack.processes, ...system.processes } },
        timeline,
        latest: () => sampler?.latest,
        stockArmed: () => products.reduce((sum, p) => sum + p.stock, 0),
        loadStartedAt: Date.now(),
        loadDone: loadDone.signal,
        cancel: opts.signal,
        reseed: async () => {
          const st = stores!;
          log('waiting for the worker to drain before reseeding Redis from PostgreSQL');
          await drain(st, products.map((p) => p.productId), experiment.drainTimeout, opts.signal);
          for (const p of products) await system!.reseed(p.productId);
          log('reseeded');
        },
        log,
      });
      const code = await runK6({
        k6: tools.k6,
        load: experiment.load,
        thresholds: experiment.thresholds,
        apiUrls: system.apiUrls,
        productIds: products.map((p) => p.productId),
        seed: opts.seed,
        round,
        historyFile: roundFile,
        summaryFile: join(runDir, experiment.load.rounds > 1 ? `k6-summary.round-${round + 1}.json` : files.k6Summary),
        logFile: join(runDir, files.logs, 'k6.log'),
        signal: opts.signal,
      });
      loadDone.abort();
      await schedule.finally(() => {
        if (existsSync(roundFile)) {
          appendFileSync(historyFile, readFileSync(roundFile));
          rmSync(roundFile);
        }
      });
      if (code === 99) thresholdsCrossed = true;
      else if (code !== 0 && !opts.signal.aborted) throw new Error(`k6 exited with ${code}; see ${join(runDir, files.logs, 'k6.log')}`);
    }

    if (opts.signal.aborted) throw new Error('interrupted');
    progress.phase('healing every fault');
    await healAll(stack.endpoints.toxiproxyUrl);
    progress.phase('draining the worker');
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
    const history: HistoryEntry[] = [];
    for await (const entry of (await readRun(runDir)).history()) history.push(entry);
    const checked = runCheckers(
      {
        history,
        faults: timeline.toJSON(),
        final,
        initialStock,
        perUserLimit: experiment.system.perUserLimit,
        ...(experiment.unknownBudget === undefined ? {} : { unknownBudget: experiment.unknownBudget }),
      },
      experiment.invariants,
    );
    const thresholds: CheckResult = {
      name: 'k6_thresholds',
      verdict: thresholdsCrossed ? 'fail' : 'pass',
      summary: thresholdsCrossed
        ? `k6 thresholds crossed (error rate ≤ ${experiment.thresholds.errorRate}, p99 < ${experiment.thresholds.p99Ms} ms); see k6-summary.json`
        : `error rate ≤ ${experiment.thresholds.errorRate} and p99 < ${experiment.thresholds.p99Ms} ms held`,
      counts: {},
      witnesses: [],
    };
    const checks = [...checked.checks, thresholds];
    const verdict = worstVerdict(checks.map((c) => c.verdict));
    const { figures } = await summarizeRun(runDir);
    results = { verdict, checks, figures: { ...figures, drainSeconds: drainSeconds ?? figures.drainSeconds } };
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
  return { runDir, results, startFailed: startFailed && !!error };
}
