import type { CheckResult, FaultRecord, FinalState, HistoryEntry } from '@flux-gate/reports';

/** Everything a checker may read: the harness's own records of a run, never the system's code. */
export interface CheckInput {
  history: HistoryEntry[];
  faults: FaultRecord[];
  final: FinalState;
  initialStock: Record<string, number>;
  perUserLimit: number;
  /**
   * Unknown outcomes tolerated by unknown_outcomes: a fraction of requests when ≤ 1, a count when > 1.
   * Default: 0 without faults, 5% of requests with faults.
   */
  unknownBudget?: number;
}

/** A pure function of the input. */
export type Checker = (input: CheckInput) => CheckResult;

/** A request whose outcome the client never learned (timeout, reset: status 0). */
export const isUnknown = (entry: HistoryEntry): boolean => entry.outcome === 'unknown' || entry.status === 0;
