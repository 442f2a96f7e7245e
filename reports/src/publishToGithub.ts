import { appendFile } from 'node:fs/promises';
import { error, warning } from '@actions/core';
import type { CiRun } from './CiRun.ts';
import { checkText } from './witnessText.ts';

/**
 * In a GitHub Actions job (GITHUB_STEP_SUMMARY set): appends the run's summary to the job's step
 * summary, and prints an `::error` annotation for each failed check (`::warning` for an unknown one,
 * and `::error` for a run that ended before its checks), escaped by @actions/core. Elsewhere it does
 * nothing. Returns whether it published.
 */
export async function publishToGithub(run: CiRun, summary: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  await appendFile(file, `${summary}\n`);
  if (run.results.error) error(run.results.error, { title: `${run.name}: the run failed` });
  for (const check of run.results.checks) {
    if (check.verdict === 'fail') error(checkText(check), { title: `${run.name}: ${check.name} failed` });
    else if (check.verdict === 'unknown') warning(checkText(check), { title: `${run.name}: ${check.name} inconclusive` });
  }
  return true;
}
