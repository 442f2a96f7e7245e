import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRun, type Results, runFileNames } from '@flux-gate/run-format';
import type { CiRun } from './CiRun.ts';
import { junitXml } from './junitXml.ts';
import { summarizeRun } from './summarizeRun.ts';
import { summaryMarkdown } from './summaryMarkdown.ts';

/**
 * Writes junit.xml and summary.md into a run folder from its stored files: the checks of
 * results.json, or `results` when given (`npm run check` passes the verdicts it re-derived). A run
 * without results.json shows as one unknown "run" test case. Returns what was written.
 */
export async function writeCiFiles(runDir: string, results?: Results): Promise<{ run: CiRun; summary: string; files: string[] }> {
  const stored = await readRun(runDir);
  const run: CiRun = {
    name: stored.experiment?.name ?? stored.manifest.experiment,
    ...(stored.experiment?.description ? { description: stored.experiment.description } : {}),
    dir: stored.dir,
    manifest: stored.manifest,
    results: results ?? stored.results ?? { verdict: 'unknown', checks: [], figures: (await summarizeRun(runDir)).figures, error: `${runFileNames.results} is missing: the run ended before its checks` },
  };
  const summary = summaryMarkdown(run);
  const files = [join(stored.dir, runFileNames.junit), join(stored.dir, runFileNames.summary)];
  await writeFile(files[0]!, junitXml(run));
  await writeFile(files[1]!, summary);
  return { run, summary, files };
}
