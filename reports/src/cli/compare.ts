import { Command, InvalidArgumentError } from 'commander';
import { comparisonText } from '../comparisonText.ts';
import { writeComparison } from '../writeComparison.ts';
import { runCli } from './runCli.ts';

const integer = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`'${v}' is not an integer`);
  return n;
};

const program = new Command('compare')
  .description(
    "Compare run B against baseline run A: key figures with deltas, invariants, overlaid charts. Writes comparison.html (in B's folder unless --out) and prints the table. A regression is flagged only beyond noise: bootstrap 95% CI on latency quantile differences, stated thresholds for the rest.",
  )
  .argument('<runA>', 'baseline run folder')
  .argument('<runB>', 'run folder to judge against A')
  .option('--out <file>', 'where to write the comparison page')
  .option('--seed <n>', 'seed of the bootstrap resampling', integer, 1)
  .option('--fail-on-regression', 'exit 1 when a regression is flagged')
  .action(async (runA: string, runB: string, opts: { out?: string; seed: number; failOnRegression?: boolean }) => {
    const { file, comparison } = await writeComparison(runA, runB, { out: opts.out, seed: opts.seed });
    process.stdout.write(`${comparisonText(comparison)}\n\nwrote ${file}\n`);
    if (opts.failOnRegression && comparison.regressions.length) process.exitCode = 1;
  });

runCli(program);
