import { summarizeRun } from '@flux-gate/reports';
import type { Results } from '@flux-gate/run-format';
import { Command } from 'commander';
import { exitCodeOf, exitCodes } from '../experiment/exitCodes.ts';
import { checkStoredRun } from '../runner/checkStoredRun.ts';
import { writeCiOutputs } from '../runner/writeCiOutputs.ts';
import { onShutdown } from './onShutdown.ts';
import { table } from './table.ts';

async function check(folder: string, opts: { write: boolean; json?: boolean }): Promise<number> {
  process.stderr.write(`checking ${folder} from its stored files (no stack, no system)\n`);
  const started = Date.now();
  const { verdict, checks, problems, run, experiment } = await checkStoredRun(folder);
  const stored = run.results;
  const storedVerdict = (name: string) => stored?.checks.find((c) => c.name === name)?.verdict;
  const summary = await summarizeRun(run.dir);
  const results: Results = {
    verdict,
    checks,
    figures: stored?.figures ?? summary.figures,
    ...(summary.windows.length ? { windows: summary.windows } : {}),
    ...(stored?.error ? { error: stored.error } : {}),
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    const rows = [['check', 'verdict', 'the run said', 'summary'], ...checks.map((c) => [c.name, c.verdict.toUpperCase(), storedVerdict(c.name)?.toUpperCase() ?? '—', c.summary])];
    process.stdout.write(`\n${table(rows)}\n\n`);
  }
  for (const p of problems) process.stderr.write(`note: ${p}\n`);
  const differing = checks.filter((c) => stored && storedVerdict(c.name) !== c.verdict).map((c) => c.name);
  if (!stored) process.stderr.write('note: no results.json: nothing to compare with\n');
  else if (differing.length) process.stderr.write(`note: differs from the run's results.json in ${differing.join(', ')}\n`);
  if (opts.write) {
    try {
      const { files, published } = await writeCiOutputs(run.dir, { results, plantedBugs: (experiment?.system.brokenModes.length ?? 0) > 0 });
      process.stderr.write(`refreshed ${files.join(', ')}${published ? ' and the GitHub step summary' : ''}\n`);
    } catch (err) {
      process.stderr.write(`junit.xml and summary.md not refreshed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  } else process.stderr.write('junit.xml and summary.md left as they were (--no-write)\n');
  process.stdout.write(`verdict: ${verdict.toUpperCase()}${stored ? ` (the run said ${stored.verdict.toUpperCase()})` : ''} · checked in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return exitCodeOf(verdict);
}

const program = new Command('check')
  .description(
    "Re-run every checker of a stored run from its files alone (history.ndjson or records.ndjson, faults.json, final-state.json, after-heal.json, guards.json, the resolved experiment.json): no stack, no system. Prints each verdict beside the run's own, and refreshes junit.xml and summary.md.\n" +
      'A checker whose file is missing answers unknown and says which.\n' +
      'Exit codes: 0 all invariants hold, 1 an invariant failed, 2 inconclusive, 3 not a run folder or bad arguments.',
  )
  .argument('<run folder>', 'a folder under runs/<experiment>/<timestamp>/')
  .option('--no-write', 'do not refresh junit.xml and summary.md in the folder')
  .option('--json', 'print the re-derived results as JSON instead of the table')
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : exitCodes.badInput))
  .action(async (folder: string, opts: { write: boolean; json?: boolean }) => {
    onShutdown(async () => {});
    process.exitCode = await check(folder, opts);
  });

program.parseAsync().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`check refused: ${message}\n`);
  process.exit(exitCodes.badInput);
});
