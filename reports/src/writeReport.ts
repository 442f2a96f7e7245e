import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReport } from './renderReport.ts';
import { runFileNames } from '@flux-gate/run-format';
import { summarizeRun } from './summarizeRun.ts';

/** Rebuilds report.html in a run folder from its stored files alone; returns the file's path. */
export async function writeReport(runDir: string): Promise<string> {
  const summary = await summarizeRun(runDir);
  const file = join(summary.run.dir, runFileNames.report);
  await writeFile(file, renderReport(summary));
  return file;
}
