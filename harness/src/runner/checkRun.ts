import { summarizeRun } from '@flux-gate/reports';
import { type KeyFigures, LatencyHistogram, type RecordEntry, runFileNames as files, writeRunFile } from '@flux-gate/run-format';
import { observeAfterHeal } from '../probes/observeAfterHeal.ts';
import { snapshot } from '../probes/snapshot.ts';
import { checkStoredRun } from './checkStoredRun.ts';
import type { RunContext } from './RunContext.ts';

/** For records, a request is a record produced and its latency the wait for its ack. */
function recordFigures(records: RecordEntry[], ctx: RunContext): Partial<KeyFigures> {
  if (records.length === 0) return {};
  const acked = records.filter((r) => r.outcome === 'ok');
  const latency = new LatencyHistogram();
  for (const r of acked) latency.add(r.latencyMs);
  const dropped = records.filter((r) => r.outcome === 'dropped').length;
  const span = (records.reduce((max, r) => Math.max(max, r.ts), 0) - records.reduce((min, r) => Math.min(min, r.intendedTs), Infinity)) / 1000;
  const { backlog, drainSeconds } = ctx;
  return {
    requests: records.length - dropped,
    reqPerSec: span > 0 ? records.length / span : records.length,
    p50Ms: latency.quantile(0.5) ?? Number.NaN,
    p95Ms: latency.quantile(0.95) ?? Number.NaN,
    p99Ms: latency.quantile(0.99) ?? Number.NaN,
    recordsAcked: acked.length,
    dropped,
    backlogAtDrain: backlog,
    // The backlog left when the load ended and every fault healed, over the time the worker took to clear it.
    drainRatePerSec: drainSeconds === null || backlog === null || drainSeconds === 0 ? null : backlog / drainSeconds,
  };
}

/**
 * Phases 5 and 6: the steady state after the heal, the final state read straight from the stores,
 * then every checker over the files now in the run folder (checkStoredRun, as `npm run check` does).
 */
export async function checkRun(ctx: RunContext): Promise<void> {
  const { experiment, progress, runDir } = ctx;
  const productIds = Object.keys(ctx.initialStock);
  writeRunFile(runDir, files.afterHeal, await observeAfterHeal(ctx.stores!, ctx.system!.apiUrls, productIds));
  progress.phase('reading the final state');
  const final = await snapshot(ctx.stores!, ctx.stack!.endpoints.kafkaBrokers, ctx.initialStock, ctx.drainSeconds !== null);
  ctx.final = final;
  writeRunFile(runDir, files.finalState, final);
  writeRunFile(runDir, files.faults, ctx.timeline.toJSON());

  progress.phase('checking invariants');
  const { verdict, checks, run } = await checkStoredRun(runDir, experiment);
  const records: RecordEntry[] = [];
  for await (const record of run.records()) records.push(record);
  const { figures, windows } = await summarizeRun(runDir);
  ctx.results = {
    verdict,
    checks,
    figures: { ...figures, drainSeconds: ctx.drainSeconds ?? figures.drainSeconds, ...recordFigures(records, ctx) },
    ...(windows.length ? { windows } : {}),
  };
}
