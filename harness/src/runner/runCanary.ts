import type { Verdict } from '@flux-gate/run-format';
import { type Canary, caseExperiment } from '../experiment/canarySchema.ts';
import { runExperiment, type RunOptions } from './runExperiment.ts';

export interface CanaryCase {
  bug: string;
  caughtBy: string;
  /** The verdict of the checker meant for this bug: 'fail' means caught. */
  checkerVerdict: Verdict | 'missing';
  caught: boolean;
  /** Every checker that failed on this bug. */
  failedCheckers: string[];
  runDir: string;
}

/** Runs each broken mode; the canary passes only if the checker meant for each bug fails on it. */
export async function runCanary(canary: Canary, opts: RunOptions): Promise<{ cases: CanaryCase[]; verdict: Verdict }> {
  const cases: CanaryCase[] = [];
  for (const c of canary.cases) {
    if (opts.signal.aborted) break;
    process.stderr.write(`\n== canary: ${c.bug} (must be caught by ${c.caughtBy})\n`);
    const outcome = await runExperiment(caseExperiment(c), opts);
    const check = outcome.results.checks.find((k) => k.name === c.caughtBy);
    cases.push({
      bug: c.bug,
      caughtBy: c.caughtBy,
      checkerVerdict: check?.verdict ?? 'missing',
      caught: check?.verdict === 'fail',
      failedCheckers: outcome.results.checks.filter((k) => k.verdict === 'fail').map((k) => k.name),
      runDir: outcome.runDir,
    });
  }
  const complete = cases.length === canary.cases.length;
  return { cases, verdict: complete && cases.every((c) => c.caught) ? 'pass' : complete ? 'fail' : 'unknown' };
}
