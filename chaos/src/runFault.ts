import type { Fault } from './Fault.ts';
import type { FaultTimeline } from './FaultTimeline.ts';

/**
 * Injects the fault, runs `during` (e.g. wait 5 s, or until half the stock is sold), and heals,
 * always, even when inject or `during` threw. Every step lands in the timeline; errors are rethrown.
 */
export async function runFault<T>(fault: Fault, timeline: FaultTimeline, during: () => Promise<T>): Promise<T> {
  const entry = timeline.begin(fault);
  try {
    try {
      await fault.inject();
    } catch (err) {
      entry.failed('inject', err);
      throw err;
    } finally {
      const resolved = fault.resolved?.();
      if (resolved) entry.resolved(resolved);
    }
    return await during();
  } finally {
    try {
      await fault.heal();
      entry.healed();
    } catch (err) {
      entry.failed('heal', err);
      throw err;
    }
  }
}
