import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { writeRunFile } from '@flux-gate/run-format';
import { type CheckerName, checkerNames } from '../checkers/index.ts';
import { exitCodes } from '../experiment/exitCodes.ts';
import type { ScheduledFault } from '../experiment/experimentSchema.ts';
import { ExperimentError } from '../experiment/loadExperiment.ts';
import { readStoredRun } from '../experiment/readStoredRun.ts';
import { resolveExperiment, type ResolvedExperiment } from '../experiment/resolveExperiment.ts';
import { runExperiment } from '../runner/runExperiment.ts';
import { shrinkSchedule } from '../runner/shrinkSchedule.ts';
import { wholeNumber } from './argValues.ts';
import { onShutdown } from './onShutdown.ts';
import { table } from './table.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const shrunkFile = 'shrunk-experiment.json';

interface Options {
  tries: number;
  checker?: CheckerName;
  ci?: boolean;
  runsDir: string;
}

const checkerValue = (value: string): CheckerName => {
  if (!(checkerNames as string[]).includes(value)) throw new InvalidArgumentError(`--checker must be one of ${checkerNames.join(', ')}, got '${value}'`);
  return value as CheckerName;
};

const describe = (f: ScheduledFault) => {
  const when = 'at' in f.when ? `at ${f.when.at / 1000}s` : 'soldFraction' in f.when ? `at ${f.when.soldFraction * 100}% sold` : `at lag > ${f.when.lagAbove}`;
  const { id, ...spec } = f.fault;
  return [String(id ?? f.fault.kind), when, `${f.for / 1000}s`, JSON.stringify(spec)];
};
const scheduleTable = (faults: ScheduledFault[]) => (faults.length ? table([['fault', 'when', 'for', 'spec'], ...faults.map(describe)]) : '(no fault)');

async function shrink(folder: string, opts: Options): Promise<number> {
  const stored = readStoredRun(folder);
  const failing = (stored.results?.checks ?? []).filter((c) => c.verdict === 'fail').map((c) => c.name);
  if (!failing.length) throw new ExperimentError(`${folder} did not fail (verdict ${stored.results?.verdict ?? 'none: no results.json'}); shrink takes a failing run, e.g. one of npm run sweep -- <experiment> --broken <mode>`);
  // The checker to keep failing: the one asked for, else the first invariant that failed (a threshold only when nothing else did).
  const checker = opts.checker ?? failing.find((n) => n !== 'thresholds') ?? failing[0]!;
  if (!failing.includes(checker)) throw new ExperimentError(`${checker} did not fail in ${folder}; it failed ${failing.join(', ')}`);
  if (!Array.isArray(stored.experiment.faults)) throw new ExperimentError(`${folder}/experiment.json holds no resolved fault schedule`);
  const original = stored.experiment.faults;
  const base: ResolvedExperiment = { ...resolveExperiment({ ...stored.experiment, faults: original }, stored.seed), generatedFaults: undefined };

  const abort = new AbortController();
  onShutdown(async () => {
    abort.abort();
    await new Promise<never>(() => {}); // the current run heals and stops; shrink then prints what it found
  });
  const broken = base.system.brokenModes.length ? ` with ${base.system.brokenModes.join(', ')} on` : '';
  process.stderr.write(`shrink ${base.name}${broken}: ${original.length} fault(s), seed ${stored.seed}, keeping ${checker} failing; at most ${opts.tries} re-run(s)\n`);
  const runsDir = opts.runsDir;
  const result = await shrinkSchedule(
    original,
    async (faults) => {
      if (abort.signal.aborted) throw new Error('interrupted (Ctrl-C)');
      const outcome = await runExperiment({ ...base, faults }, { seed: stored.seed, runsDir, ci: !!opts.ci || !process.stderr.isTTY, signal: abort.signal, repo });
      if (abort.signal.aborted) throw new Error('interrupted (Ctrl-C)');
      return outcome.results.checks.some((c) => c.name === checker && c.verdict === 'fail');
    },
    {
      tries: opts.tries,
      minForMs: 200,
      onTry: (t) => process.stderr.write(`\n== shrink try ${t.index} of at most ${opts.tries}: ${t.step} → ${t.failed ? `FAILS ${checker}` : `${checker} holds`}\n`),
    },
  ).catch((err: unknown) => {
    if (abort.signal.aborted) return null;
    throw err;
  });
  if (!result) return 130;

  const shrunk = {
    ...base,
    name: `${base.name}-shrunk`,
    description: `${base.description} Shrunk by npm run shrink from ${stored.dir} (${original.length} → ${result.faults.length} fault(s)); fails ${checker} with --seed ${stored.seed}.`,
    faults: result.faults,
  };
  const file = join(stored.dir, shrunkFile);
  writeRunFile(stored.dir, shrunkFile, shrunk);
  const totalMs = (faults: ScheduledFault[]) => faults.reduce((s, f) => s + f.for, 0);
  process.stdout.write(
    `\nthe smallest schedule that still fails ${checker}${broken} (seed ${stored.seed}):\n${scheduleTable(result.faults)}\n\n` +
      `${original.length} → ${result.faults.length} fault(s), ${totalMs(original) / 1000} s → ${totalMs(result.faults) / 1000} s of faults, ` +
      `${result.tries.length} re-run(s) of at most ${opts.tries}${result.exhausted ? ' (tries ran out: a smaller schedule may still exist; raise --tries)' : ''}\n` +
      `saved: ${file}\nrun it: npm run experiment -- ${file} --seed ${stored.seed}\n`,
  );
  return exitCodes.pass;
}

new Command('shrink')
  .description(
    'Shrink a failing run\'s fault schedule: re-run its experiment (same seed, same broken modes) with subsets of the faults, then with shorter ones (delta debugging), ' +
      'until the smallest schedule that still fails the same checker; print it and save it as an experiment file.\n' +
      'Exit codes: 0 a schedule was found and saved, 3 bad arguments (not a run folder, or the run did not fail), 130 interrupted.',
  )
  .argument('<run folder>', 'a failing run: runs/<experiment>/<time>/')
  .option('--tries <n>', 'at most this many re-runs (each one a whole run of the experiment)', wholeNumber('--tries', 1), 16)
  .option('--checker <name>', 'the checker that must keep failing (default: the run\'s first failing invariant, a threshold only when nothing else failed)', checkerValue)
  .option('--ci', 'plain, non-interactive output')
  .option('--runs-dir <dir>', 'where the re-runs\' folders go', join(repo, 'runs'))
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : exitCodes.badInput))
  .action(async (folder: string, opts: Options) => {
    process.exitCode = await shrink(folder, opts);
  })
  .parseAsync()
  .catch((err: unknown) => {
    process.stderr.write(`shrink refused: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(exitCodes.badInput);
  });
