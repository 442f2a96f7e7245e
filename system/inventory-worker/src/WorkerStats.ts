/** Counters of a running worker since it started. */
export interface WorkerStats {
  /** Kafka messages handled, redeliveries included. */
  processed: number;
  /** Order rows inserted (new orders). */
  inserted: number;
  confirmed: number;
  rejected: number;
  /**
   * Records set aside in `dead_letters` instead of stored as orders, redeliveries included (the
   * table keeps one row each); each is logged at error.
   */
  deadLettered: number;
  /** PostgreSQL transactions committed. */
  batches: number;
}

export const emptyStats = (): WorkerStats => ({ processed: 0, inserted: 0, confirmed: 0, rejected: 0, deadLettered: 0, batches: 0 });
