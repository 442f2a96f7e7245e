import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { faultPhrase, writeSweep } from '@flux-gate/reports';
import { exitCodeOf, exitCodes } from '../experiment/exitCodes.ts';
import { ExperimentError, loadDefinition, scaleExperiment } from '../experiment/loadExperiment.ts';
import { withBrokenMode } from '../experiment/withBrokenMode.ts';
import { worstVerdict } from '../checkers/index.ts';
import { runSweep, type SweepRun } from '../runner/runSweep.ts';
import type { BrokenMode } from '../services/startSystem.ts';
import { brokenModeValue, positiveNumber, wholeNumber } from './argValues.ts';
import { onShutdown } from './onShutdown.ts';
import { table } from './table.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

interface Options {
  seeds: number;
  from: number;
  broken?: BrokenMode;
  scale: number;
  ci?: boolean;
  runsDir: string;
}

const tally = (runs: SweepRun[]) => {
  const n = (v: string) => runs.filter((r) => r.verdict === v).length;
  return `${n('pass')} pass, ${n('fail')} fail, ${n('unknown')} unknown`;
};
const minutes = (ms: number) => `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;

async function sweep(name: string, opts: Options): Promise<number> {
  const definition = loadDefinition(name);
  if (definition.kind !== 'experiment') throw new ExperimentError(`${name} is a canary (a suite of broken modes); sweep one experiment, with --broken <mode> for a planted bug`);
  const experiment = withBrokenMode(scaleExperiment(definition.experiment, opts.scale), opts.broken);
  const seeds = Array.from({ length: opts.seeds }, (_, i) => opts.from + i);
  const abort = new AbortController();
  onShutdown(async () => {
    abort.abort();
    await new Promise<never>(() => {}); // the current run heals and stops; the sweep then reports what it has
  });
  const started = Date.now();
  const label = `${experiment.name}${opts.broken ? ` with ${opts.broken}` : ''}`;
  const runs = await runSweep(experiment, {
    seeds,
    runsDir: opts.runsDir,
    ci: !!opts.ci || !process.stderr.isTTY,
    signal: abort.signal,
    repo,
    onStart: (seed, done) => process.stderr.write(`\n== sweep ${label}: seed ${seed} (${done.length + 1} of ${seeds.length}) · so far ${tally(done)} · ${minutes(Date.now() - started)}\n`),
    onDone: (run, done) => process.stderr.write(`== sweep ${label}: seed ${run.seed} ${run.verdict.toUpperCase()} · so far ${tally(done)}\n`),
  });

  const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
  const page = join(opts.runsDir, 'sweeps', experiment.name, stamp, 'sweep.html');
  const rows = await writeSweep(page, `Sweep of ${label}, seeds ${opts.from}–${opts.from + opts.seeds - 1}`, runs.map((r) => r.runDir));
  process.stdout.write(
    `\n${table([
      ['seed', 'verdict', 'failing checkers', 'faults', 'run folder'],
      ...rows.map((r) => [String(r.seed ?? '–'), r.verdict.toUpperCase(), r.failedCheckers.join(', ') || (r.error ?? '—'), r.faults.map(faultPhrase).join('; ') || 'none', r.dir]),
    ])}\n\n` +
      `sweep ${label}: ${runs.length} of ${seeds.length} seed(s) run, ${tally(runs)} · wall ${minutes(Date.now() - started)}\n` +
      `sweep.html: ${page}\n`,
  );
  if (abort.signal.aborted) return 130;
  return exitCodeOf(worstVerdict(runs.map((r) => r.verdict)));
}

new Command('sweep')
  .description(
    'Run one experiment once per seed, one after another (each seed draws its own buyers and, for generated faults, its own fault schedule), then print a table and write sweep.html linking every run\'s report.\n' +
      'Exit codes: 0 every seed passed, 1 any seed failed, 2 any seed was unknown and none failed, 3 bad arguments.',
  )
  .argument('<experiment>', 'experiment name (npm run experiment -- --list) or a path to an experiment JSON file')
  .option('--seeds <n>', 'how many seeds to run', wholeNumber('--seeds', 1), 10)
  .option('--from <s>', 'the first seed; the sweep runs seeds s, s+1, … s+n-1', wholeNumber('--from', 0), 1)
  .option('--broken <mode>', 'run the system with this deliberately broken mode on (refused in production), as the canary does', brokenModeValue)
  .option('--scale <x>', 'multiply load rate, buyers and stock (1 = CI size)', positiveNumber('--scale'), 1)
  .option('--ci', 'plain, non-interactive output')
  .option('--runs-dir <dir>', 'where run folders go (sweep.html under <dir>/sweeps/<experiment>/<time>/)', join(repo, 'runs'))
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : exitCodes.badInput))
  .action(async (name: string, opts: Options) => {
    process.exitCode = await sweep(name, opts);
  })
  .parseAsync()
  .catch((err: unknown) => {
    process.stderr.write(`sweep refused: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(exitCodes.badInput);
  });
