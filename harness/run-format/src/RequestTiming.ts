import { LatencyHistogram } from './LatencyHistogram.ts';
import type { HistoryEntry } from './runFiles.ts';

/** A request's latency from when it was due, split in two: the load engine's lag (sent − due) and the answer time (answered − sent). */
export interface TimingFigures {
  /** Requests sent (dropped arrivals are not). */
  sent: number;
  /** Of those, answered (status > 0). */
  answered: number;
  fromDueP99Ms: number | null;
  engineLagP50Ms: number | null;
  engineLagP99Ms: number | null;
  answerP50Ms: number | null;
  answerP99Ms: number | null;
}

/**
 * The latency of sent requests from when each was due, with the part the load engine owns (it sent
 * the request late: `sentTs − intendedTs`) apart from the part the system owns (`latencyMs` minus that
 * lag). The engine's lag is counted over every sent request, answered or not; the answer time and the
 * latency from due over answered ones. Entries without `sentTs` (dropped, or histories that predate
 * it) add nothing.
 */
export class RequestTiming {
  readonly lag: LatencyHistogram;
  readonly answer: LatencyHistogram;
  readonly fromDue: LatencyHistogram;

  constructor(readonly figures: 2 | 3 = 3) {
    this.lag = new LatencyHistogram(figures);
    this.answer = new LatencyHistogram(figures);
    this.fromDue = new LatencyHistogram(figures);
  }

  add(e: Pick<HistoryEntry, 'ts' | 'intendedTs' | 'sentTs' | 'latencyMs' | 'status'>): void {
    if (e.sentTs === undefined) return;
    const lag = Math.max(0, e.sentTs - (e.intendedTs ?? e.ts));
    this.lag.add(lag);
    if (e.status > 0) {
      this.fromDue.add(e.latencyMs);
      this.answer.add(Math.max(0, e.latencyMs - lag));
    }
  }

  merge(other: RequestTiming): void {
    this.lag.merge(other.lag);
    this.answer.merge(other.answer);
    this.fromDue.merge(other.fromDue);
  }

  summary(): TimingFigures {
    return {
      sent: this.lag.count,
      answered: this.answer.count,
      fromDueP99Ms: this.fromDue.quantile(0.99),
      engineLagP50Ms: this.lag.quantile(0.5),
      engineLagP99Ms: this.lag.quantile(0.99),
      answerP50Ms: this.answer.quantile(0.5),
      answerP99Ms: this.answer.quantile(0.99),
    };
  }
}
