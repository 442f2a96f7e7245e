import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { compareRuns, type Comparison } from './compareRuns.ts';
import { renderComparison } from './renderComparison.ts';
import { runFileNames } from '@flux-gate/run-format';
import { summarizeRun } from './summarizeRun.ts';

/**
 * Compares run B against baseline A and writes comparison.html (default: in B's folder). Links to
 * the two reports are relative to the written file. `seed` drives the bootstrap, so reruns agree.
 */
export async function writeComparison(runA: string, runB: string, options: { out?: string; seed?: number } = {}): Promise<{ file: string; comparison: Comparison }> {
  const [a, b] = await Promise.all([summarizeRun(runA), summarizeRun(runB)]);
  const comparison = compareRuns(a, b, options.seed);
  const file = resolve(options.out ?? join(b.run.dir, 'comparison.html'));
  const href = (s: typeof a) => relative(dirname(file), join(s.run.dir, runFileNames.report)).split(sep).map(encodeURIComponent).join('/');
  await writeFile(file, renderComparison(comparison, href));
  return { file, comparison };
}
