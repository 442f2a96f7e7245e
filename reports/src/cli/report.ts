import { Command } from 'commander';
import { writeReport } from '../writeReport.ts';
import { runCli } from './runCli.ts';

const program = new Command('report')
  .description('Rebuild report.html in a run folder from its stored files alone (no stack needed).')
  .argument('<run>', 'run folder, e.g. runs/flash-sale/2025-01-15T12-00-00-000Z')
  .action(async (run: string) => {
    const started = Date.now();
    const file = await writeReport(run);
    process.stdout.write(`wrote ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

runCli(program);
