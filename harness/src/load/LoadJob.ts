import type { LoadPlan } from './LoadPlan.ts';
import type { Segment } from './segment.ts';

/** What one process of the built-in engine runs: the plan, its segment of the schedule, and where it writes. Written to a file for the process. */
export interface LoadJob {
  plan: LoadPlan;
  segment: Segment;
  historyFile: string;
  summaryFile: string;
  queueFile?: string;
}

/**
 * Waits until every process of the engine reached the same point (ready to browse, ready to sell),
 * then resolves with the performance.now() reading at which all of them begin the next phase.
 */
export type StartTogether = () => Promise<number>;

/** What a workload needs to know of the process it runs in. */
export interface InProcess {
  segment: Segment;
  startTogether: StartTogether;
}
