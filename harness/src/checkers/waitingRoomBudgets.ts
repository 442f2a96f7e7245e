/** The waiting room's pass/fail contract, as experiments state it (thresholds.waitingRoom); defaults here only. */
export interface WaitingRoomBudgets {
  /** fifo_fairness: places a ticket may be admitted ahead of an earlier one still waiting. */
  fifoTolerance: number;
  /** no_wait_after_sold_out: time from the last unit sold to each waiting buyer being told. */
  soldOutNoticeMs: number;
  /** eta_accuracy: the median error of the first ETA each admitted ticket was shown. */
  etaMedianErrorMs: number;
}

export const defaultWaitingRoomBudgets: WaitingRoomBudgets = { fifoTolerance: 0, soldOutNoticeMs: 2000, etaMedianErrorMs: 1000 };
