import type { AfterHealObservation, CheckResult, FaultRecord, GuardLog, FinalState, HistoryEntry, QueueEntry, RecordEntry } from '@flux-gate/run-format';
import type { WaitingRoomBudgets } from './waitingRoomBudgets.ts';

/** Everything a checker may read: the harness's own records of a run, never the system's code. */
export interface CheckInput {
  /** Every request the HTTP load sent (dropped arrivals are counted in `dropped`, not listed here). */
  history: HistoryEntry[];
  /** Arrivals the load dropped at its in-flight cap. */
  dropped: number;
  /** Every order event the Kafka-side load produced (dropped ones included, with outcome 'dropped'). */
  records: RecordEntry[];
  /** Every waiting-room step of the buyers who followed it (absent or empty when none did). */
  queue?: QueueEntry[];
  /** The pass/fail contract on the load itself, and on the waiting room when the load followed it. */
  thresholds: { errorRate: number; p99Ms: number; dropped: number; engineLagP99Ms?: number; waitingRoom?: WaitingRoomBudgets };
  faults: FaultRecord[];
  final: FinalState;
  initialStock: Record<string, number>;
  perUserLimit: number;
  /**
   * Unresolved keys tolerated by unknown_outcomes: a fraction of distinct keys when ≤ 1, a count when > 1.
   * Default: 0 without faults, 5% of requests with faults.
   */
  unknownBudget?: number;
  /** The steady-state probe after the heal and the drain (after-heal.json). */
  afterHeal?: AfterHealObservation;
  /** The abort guards and their evaluations (guards.json), for an experiment with guards. */
  guards?: GuardLog;
}

/** A pure function of the input. */
export type Checker = (input: CheckInput) => CheckResult;

/** A request whose outcome the client never learned (timeout, reset, a 5xx other than 503), as the load recorded it. */
export const isUnknown = (entry: HistoryEntry): boolean => entry.outcome === 'unknown';
