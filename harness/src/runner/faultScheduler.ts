import { createFault, type FaultContext, type FaultTimeline, runFault } from '@flux-gate/chaos';
import type { Sample } from '@flux-gate/run-format';
import { abortableSleep } from './abortableSleep.ts';
import type { ScheduledFault } from '../experiment/experimentSchema.ts';

export interface ScheduleContext {
  faults: ScheduledFault[];
  context: FaultContext;
  timeline: FaultTimeline;
  /** Newest metrics sample, for event-timed faults. */
  latest: () => Sample | undefined;
  /** Units armed for sale now (the denominator of "sold fraction"). */
  stockArmed: () => number;
  loadStartedAt: number;
  /** Aborts when the load is over: a fault not yet triggered is skipped, an active one is healed. */
  loadDone: AbortSignal;
  /** Stops everything at once (Ctrl-C or an error). */
  cancel: AbortSignal;
  /** Heals every active fault at once and skips those not yet triggered, while the run goes on (an abort guard tripped): reseeds still run. */
  healNow?: AbortSignal;
  /** Called after a fault asking for it healed: waits for the drain, then reseeds Redis from PostgreSQL. */
  reseed: () => Promise<void>;
  log: (line: string) => void;
}

function triggered(f: ScheduledFault, ctx: ScheduleContext): boolean {
  const w = f.when;
  if ('at' in w) return Date.now() - ctx.loadStartedAt >= w.at;
  const s = ctx.latest();
  if (!s) return false;
  if ('soldFraction' in w) {
    const armed = ctx.stockArmed();
    return s.redisStock !== null && armed > 0 && 1 - s.redisStock / armed >= w.soldFraction;
  }
  return s.kafkaLag !== null && s.kafkaLag > w.lagAbove;
}

function describeWhen(f: ScheduledFault): string {
  const w = f.when;
  if ('at' in w) return `at ${w.at / 1000}s`;
  if ('soldFraction' in w) return `when ${Math.round(w.soldFraction * 100)}% sold`;
  return `when lag > ${w.lagAbove}`;
}

async function runOne(f: ScheduledFault, ctx: ScheduleContext): Promise<void> {
  const fault = createFault(f.fault as Parameters<typeof createFault>[0], ctx.context);
  while (!triggered(f, ctx)) {
    if (ctx.loadDone.aborted || ctx.cancel.aborted || ctx.healNow?.aborted) {
      ctx.log(`fault '${fault.label}' (${describeWhen(f)}) never triggered`);
      return;
    }
    await abortableSleep(100, ctx.cancel);
  }
  ctx.log(`inject ${fault.label} (${describeWhen(f)}, for ${f.for / 1000}s)`);
  await runFault(fault, ctx.timeline, () => abortableSleep(f.for, ctx.healNow ? AbortSignal.any([ctx.cancel, ctx.healNow]) : ctx.cancel));
  ctx.log(`healed ${fault.label}`);
  if (f.reseedAfterHeal && !ctx.cancel.aborted) await ctx.reseed();
}

/** Runs every scheduled fault concurrently; each heals even when something fails. */
export async function runSchedule(ctx: ScheduleContext): Promise<void> {
  const results = await Promise.allSettled(ctx.faults.map((f) => runOne(f, ctx)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
