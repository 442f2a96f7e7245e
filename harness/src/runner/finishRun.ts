import { healAll } from '@flux-gate/chaos';
import { summarizeRun, writeReport } from '@flux-gate/reports';
import { type Results, runFileNames as files, writeRunFile } from '@flux-gate/run-format';
import type { RunContext } from './RunContext.ts';
import { writeCiOutputs } from './writeCiOutputs.ts';

const noFigures: Results['figures'] = { requests: 0, reqPerSec: 0, accepted: 0, sold: 0, unknown: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, errorRate: 0, drainSeconds: null, recovery: [] };

/** Always runs, on error and on Ctrl-C too: heal every fault, stop everything this run started. */
export async function stopEverything(ctx: RunContext): Promise<void> {
  ctx.progress.phase('healing and stopping everything');
  ctx.sampler?.stop();
  await Promise.all([ctx.scraper?.stop(), ctx.roles?.stop()]);
  if (ctx.stack) await healAll(ctx.stack.endpoints.toxiproxyUrl).catch(() => {});
  writeRunFile(ctx.runDir, files.faults, ctx.timeline.toJSON());
  await ctx.stores?.close().catch(() => {});
  await ctx.system?.stop().catch(() => {});
  await ctx.stack?.stop().catch(() => {});
  ctx.progress.stop();
}

/**
 * The last phase: results.json (an unknown verdict with the error when the run did not get to its
 * checks), the manifest's finish time, report.html through the reports package, once, then junit.xml and
 * summary.md (writeCiOutputs).
 */
export async function finishRun(ctx: RunContext): Promise<Results> {
  const results: Results = ctx.results ?? {
    verdict: 'unknown',
    checks: [],
    figures: (await summarizeRun(ctx.runDir).catch(() => undefined))?.figures ?? noFigures,
    ...(ctx.error ? { error: ctx.error } : {}),
  };
  writeRunFile(ctx.runDir, files.results, results);
  writeRunFile(ctx.runDir, files.manifest, { ...ctx.manifest, finishedAt: Date.now() });
  await writeReport(ctx.runDir).catch((err: unknown) => process.stderr.write(`report not written: ${String(err)}\n`));
  await writeCiOutputs(ctx.runDir, { plantedBugs: ctx.experiment.system.brokenModes.length > 0 }).catch((err: unknown) =>
    process.stderr.write(`junit.xml and summary.md not written: ${String(err)}\n`),
  );
  return results;
}
