/** Counters of a running worker since it started. */
export interface WorkerStats {
  /** Kafka messages handled, redeliveries included. */
  processed: number;
  /** Order rows inserted (new orders). */
  inserted: number;
  confirmed: number;
  rejected: number;
  /** Messages that could not be stored (malformed, unknown product); each is logged at error. */
  skipped: number;
  /** PostgreSQL transactions committed. */
  batches: number;
}

export const emptyStats = (): WorkerStats => ({ processed: 0, inserted: 0, confirmed: 0, rejected: 0, skipped: 0, batches: 0 });
