import type { LoadSummary } from '@flux-gate/run-format';
import type { LoadPlan } from './LoadPlan.ts';

export interface LoadRunOptions {
  /** Each request (or record) is appended here as one JSON line. */
  historyFile: string;
  /** Each waiting-room step (plans that follow the waiting room) is appended here as one JSON line. */
  queueFile?: string;
  /** Aborting stops the load: nothing more is sent, what happened is written, and run() resolves. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** Where the engine writes its own output (stderr, its log). */
  logFile: string;
  /** Runs the engine's process on these CPUs only (a `taskset -c` list), e.g. to starve it on purpose. */
  cpus?: string;
}

/** Something that drives a plan's load and records every outcome. */
export interface LoadEngine {
  readonly name: string;
  /** Throws LoadEngineError when the engine cannot run here, before anything is sent. */
  run(plan: LoadPlan, options: LoadRunOptions): Promise<LoadSummary>;
}

/** The engine could not run; the message says why and what to do. */
export class LoadEngineError extends Error {
  override name = 'LoadEngineError';
}
