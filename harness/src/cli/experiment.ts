import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import type { Results } from '@flux-gate/run-format';
import { exitCodeOf, exitCodes } from '../experiment/exitCodes.ts';
import { type Definition, listExperiments, loadDefinition, scaleExperiment } from '../experiment/loadExperiment.ts';
import { readStoredRun } from '../experiment/readStoredRun.ts';
import { withBrokenMode } from '../experiment/withBrokenMode.ts';
import { runCanary } from '../runner/runCanary.ts';
import type { Experiment } from '../experiment/experimentSchema.ts';
import { runExperiment } from '../runner/runExperiment.ts';
import { type EngineName, engineNames } from '../load/engines.ts';
import { findK6 } from '../load/k6Engine.ts';
import { cpuListPattern } from '../load/pinnedTo.ts';
import { maxLoadProcesses } from '../load/builtinEngine.ts';
import { whyNotSplit } from '../load/segment.ts';
import type { BrokenMode } from '../services/startSystem.ts';
import { brokenModeValue } from './argValues.ts';
import { onShutdown } from './onShutdown.ts';
import { providerOf, stackOption } from './stackOption.ts';
import { table } from './table.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got '${value}'`);
  return n;
};
const engineValue = (value: string): EngineName => {
  if (!(engineNames as string[]).includes(value)) throw new InvalidArgumentError(`--engine must be ${engineNames.join(' or ')}, got '${value}'`);
  return value as EngineName;
};
const cpuListValue = (value: string) => {
  if (!cpuListPattern.test(value)) throw new InvalidArgumentError(`--engine-cpus must be a CPU list as taskset -c takes it (e.g. 0 or 0,2-3), got '${value}'`);
  return value;
};
const loadProcessesValue = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > maxLoadProcesses) throw new InvalidArgumentError(`--load-processes must be a whole number from 1 to ${maxLoadProcesses}, got '${value}'`);
  return n;
};
const seedValue = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--seed must be a non-negative integer, got '${value}'`);
  return n;
};

const msOrDash = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} ms`);

/** The latency from due split into the engine's lag and the answer time, when the history had both, and the API's own p99 when scraped. */
function timingLine(f: Results['figures']): string {
  const t = f.timing?.whole;
  const server = t?.serverRequests === undefined ? '' : ` · server p99 (the API's /metrics) ${msOrDash(t.serverP99Ms)}`;
  return t ? `engine lag (sent − due) p50 ${msOrDash(t.engineLagP50Ms)} · p99 ${msOrDash(t.engineLagP99Ms)} · answer time (answered − sent) p50 ${msOrDash(t.answerP50Ms)} · p99 ${msOrDash(t.answerP99Ms)}${server}\n` : '';
}

/** Said on the verdict line when the load engine fell behind its bound (see thresholds). */
function engineNote(results: Results): string {
  const c = results.checks.find((x) => x.name === 'thresholds')?.counts;
  return c?.engineBehind ? ` (the load engine fell behind: lag p99 ${c.engineLagP99Ms} ms; latency from due is not the system's alone)` : '';
}

function printResults(results: Results, runDir: string): void {
  const rows = [['invariant', 'verdict', 'summary'], ...results.checks.map((c) => [c.name, c.verdict.toUpperCase(), c.summary])];
  const f = results.figures;
  const kafka =
    f.recordsAcked === undefined
      ? ''
      : `records acked ${f.recordsAcked} · dropped ${f.dropped ?? 0} · backlog when the drain began ${f.backlogAtDrain ?? '—'} · drained in ${f.drainSeconds === null ? '—' : `${f.drainSeconds.toFixed(1)} s`} · drain rate ${f.drainRatePerSec ? `${Math.round(f.drainRatePerSec)} orders/s` : '—'}\n`;
  process.stdout.write(
    `\n${table(rows)}\n\n` +
      kafka +
      `requests ${f.requests} · ${Math.round(f.reqPerSec)} req/s · accepted ${f.accepted} · sold ${f.sold} · unknown ${f.unknown} · dropped ${f.dropped ?? 0} · ` +
      `p50 ${f.p50Ms.toFixed(1)} ms · p99 ${f.p99Ms.toFixed(1)} ms · drain ${f.drainSeconds === null ? '—' : `${f.drainSeconds.toFixed(1)} s`}\n` +
      timingLine(f) +
      f.recovery.map((r) => `recovered from ${r.fault} in ${r.seconds === null ? '—' : `${r.seconds.toFixed(1)} s`}\n`).join('') +
      (results.error ? `error: ${results.error}\n` : '') +
      `verdict: ${results.verdict.toUpperCase()}${engineNote(results)}\nreport: ${join(runDir, 'report.html')}\n`,
  );
}

/** The definition with every experiment's load on the chosen engine. */
function onEngine(definition: Definition, engine: EngineName | undefined): Definition {
  if (!engine) return definition;
  const set = (e: Experiment): Experiment => ({ ...e, load: { ...e.load, engine } });
  return definition.kind === 'canary'
    ? { kind: 'canary', canary: { ...definition.canary, cases: definition.canary.cases.map((c) => ({ ...c, experiment: set(c.experiment) })) } }
    : { kind: 'experiment', experiment: set(definition.experiment) };
}

/** The definition with every experiment's load engine pinned to the given CPUs (recorded in its experiment.json, so replay keeps it). */
function onEngineCpus(definition: Definition, cpus: string | undefined): Definition {
  if (cpus === undefined) return definition;
  const set = (e: Experiment): Experiment => ({ ...e, load: { ...e.load, engineCpus: cpus } });
  return definition.kind === 'canary'
    ? { kind: 'canary', canary: { ...definition.canary, cases: definition.canary.cases.map((c) => ({ ...c, experiment: set(c.experiment) })) } }
    : { kind: 'experiment', experiment: set(definition.experiment) };
}

/** The definition with every experiment's load in `processes` processes of the built-in engine. */
function onLoadProcesses(definition: Definition, processes: number | undefined): Definition {
  if (!processes) return definition;
  const set = (e: Experiment): Experiment => {
    const unsplit = whyNotSplit(e.load, processes);
    if (unsplit) throw new InvalidArgumentError(`--load-processes: ${e.name}: ${unsplit}`);
    if (processes > e.load.maxInFlight) throw new InvalidArgumentError(`--load-processes ${processes} is more than ${e.name}'s load.maxInFlight (${e.load.maxInFlight}): each process needs a share of it`);
    return { ...e, load: { ...e.load, processes } };
  };
  return definition.kind === 'canary'
    ? { kind: 'canary', canary: { ...definition.canary, cases: definition.canary.cases.map((c) => ({ ...c, experiment: set(c.experiment) })) } }
    : { kind: 'experiment', experiment: set(definition.experiment) };
}

/** The experiment with a deliberately broken mode on (recorded in its experiment.json, so replay, sweep and shrink keep it). */
function onBroken(definition: Definition, mode: BrokenMode | undefined): Definition {
  if (!mode) return definition;
  if (definition.kind === 'canary') throw new InvalidArgumentError(`--broken: the canary turns on each case's own mode; run one case with: npm run experiment -- canary-${mode}`);
  return { kind: 'experiment', experiment: withBrokenMode(definition.experiment, mode) };
}

/** Fails before anything starts when a run needs k6 and the user has none. */
async function checkEngine(definition: Definition): Promise<void> {
  const experiments = definition.kind === 'canary' ? definition.canary.cases.map((c) => c.experiment) : [definition.experiment];
  if (experiments.some((e) => e.load.engine === 'k6')) await findK6();
}

async function run(definition: Definition, opts: { seed?: number; scale: number; ci?: boolean; runsDir: string; stack: string }): Promise<number> {
  await checkEngine(definition);
  const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 31);
  const abort = new AbortController();
  onShutdown(async () => {
    abort.abort();
    await new Promise<never>(() => {}); // the run heals, stops and exits by itself
  });
  const runOpts = { seed, runsDir: opts.runsDir, ci: !!opts.ci || !process.stderr.isTTY, signal: abort.signal, repo, stack: providerOf(opts.stack) };
  process.stderr.write(`seed ${seed}\n`);
  if (definition.kind === 'canary') {
    const canary = { ...definition.canary, cases: definition.canary.cases.map((c) => ({ ...c, experiment: scaleExperiment(c.experiment, opts.scale) })) };
    const result = await runCanary(canary, runOpts);
    process.stdout.write(
      `\n${table([
        ['planted bug', 'meant to be caught by', 'verdict of that checker', 'caught', 'all failing checkers'],
        ...result.cases.map((c) => [c.bug, c.caughtBy, c.checkerVerdict, c.caught ? 'yes' : 'NO', c.failedCheckers.join(', ') || '—']),
      ])}\n\ncanary: ${result.verdict.toUpperCase()}\n`,
    );
    return abort.signal.aborted ? 130 : exitCodeOf(result.verdict);
  }
  const outcome = await runExperiment(scaleExperiment(definition.experiment, opts.scale), runOpts);
  printResults(outcome.results, outcome.runDir);
  if (abort.signal.aborted) return 130;
  return outcome.startFailed ? exitCodes.badInput : exitCodeOf(outcome.results.verdict);
}

const program = new Command('experiment')
  .description(
    'Run a named experiment: start the stack and the system, drive open-model load (the built-in engine, or a k6 you installed) with a fault schedule, heal, drain, check invariants and write a report.\n' +
      'Exit codes: 0 all invariants hold, 1 an invariant failed, 2 inconclusive, 3 bad arguments or the stack could not start.',
  )
  .argument('[name]', 'experiment name (see --list) or a path to an experiment JSON file')
  .option('--list', 'list every experiment with a one-line description')
  .option('--seed <n>', "seed of the run (recorded in its manifest): buyers' user ids, Idempotency-Keys, order ids and retry jitter, and, for an experiment with generated faults (\"faults\": {\"random\": ...}), which faults, on which process or link, when and for how long (a hand-written schedule is the experiment's own); default: a random seed, printed", seedValue)
  .option('--engine <name>', `load engine for every experiment of the run: ${engineNames.join(' or ')} (default: the experiment's, builtin unless it says k6; k6 must be one you installed: $K6_BIN or k6 on PATH)`, engineValue)
  .option(
    '--engine-cpus <list>',
    "run the load engine's process on these CPUs only (taskset -c, e.g. 0 or 0,2-3; recorded in the run's experiment.json): to starve the engine on purpose, e.g. beside `timeout 60 taskset -c 0 sh -c 'while :; do :; done'`, and see the verdict say that the engine fell behind (thresholds then say unknown, not fail, for a p99 over its bound)",
    cpuListValue,
  )
  .option('--load-processes <n>', `processes the built-in engine runs the load in, each with its segment of the one seeded schedule (1 to ${maxLoadProcesses}; default: the experiment's load.processes, 1 unless it says)`, loadProcessesValue)
  .option('--scale <x>', 'multiply load rate, buyers and stock (1 = CI size)', positiveNumber('--scale'), 1)
  .option('--broken <mode>', 'run the system with this deliberately broken mode on, as the canary does (refused in production; recorded in the run\'s experiment.json, so replay keeps it)', brokenModeValue)
  .option('--ci', 'plain, non-interactive output')
  .addOption(stackOption())
  .option('--runs-dir <dir>', 'where run folders go', join(repo, 'runs'))
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : exitCodes.badInput))
  .action(async (name: string | undefined, opts: { list?: boolean; seed?: number; scale: number; ci?: boolean; runsDir: string; engine?: EngineName; engineCpus?: string; loadProcesses?: number; stack: string; broken?: BrokenMode }) => {
    if (opts.list || !name) {
      process.stdout.write(`${table([['experiment', 'description'], ...listExperiments().map((e) => [e.name, e.description])])}\n`);
      if (!opts.list) process.stdout.write('\nrun one with: npm run experiment -- <name>\n');
      return;
    }
    process.exitCode = await run(onBroken(onLoadProcesses(onEngineCpus(onEngine(loadDefinition(name), opts.engine), opts.engineCpus), opts.loadProcesses), opts.broken), opts);
  });

program
  .command('replay')
  .description('Run a stored run again: the same resolved experiment (its fault schedule as stored, generated faults included) with the same seed.')
  .argument('<run folder>', 'a folder under runs/<experiment>/<timestamp>/')
  .option('--ci', 'plain, non-interactive output')
  .action(async (folder: string, opts: { ci?: boolean }) => {
    const { experiment, seed } = readStoredRun(folder);
    const root = program.opts<{ runsDir: string; stack: string }>();
    process.exitCode = await run({ kind: 'experiment', experiment }, { seed, scale: 1, ci: opts.ci, runsDir: root.runsDir, stack: root.stack });
  });

program.parseAsync().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`experiment refused: ${message}\n`);
  process.exit(exitCodes.badInput);
});
