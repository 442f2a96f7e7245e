import { publishToGithub, writeCiFiles } from '@flux-gate/reports';
import type { Results } from '@flux-gate/run-format';

/**
 * junit.xml and summary.md in the run folder and, in a GitHub Actions job, the step summary and one
 * annotation per failed check. A run with a planted bug (a broken mode) is meant to fail and is judged
 * by the canary, so it writes its files but publishes nothing to the job.
 */
export async function writeCiOutputs(runDir: string, opts: { results?: Results; plantedBugs: boolean }): Promise<{ files: string[]; published: boolean }> {
  const { run, summary, files } = await writeCiFiles(runDir, opts.results);
  const published = opts.plantedBugs ? false : await publishToGithub(run, summary);
  return { files, published };
}
