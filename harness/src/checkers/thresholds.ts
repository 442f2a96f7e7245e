import { type CheckResult, errorRate, LatencyHistogram, type Verdict } from '@flux-gate/run-format';
import type { CheckInput } from './CheckInput.ts';

/**
 * The load's pass/fail contract, over the recorded history: the error rate (the report's own
 * definition, errorRate()), the p99 of answered requests counted from when each was due, and the
 * arrivals dropped at the in-flight cap. For a Kafka-side load, the same over its records: a record
 * is an error unless the broker acked it.
 */
export function thresholds(input: CheckInput): CheckResult {
  const t = input.thresholds;
  const http = input.history.length > 0 || input.records.length === 0;
  const sentRecords = input.records.filter((r) => r.outcome !== 'dropped');
  const dropped = http ? input.dropped : input.records.length - sentRecords.length;
  const rate = http ? errorRate(input.history) : sentRecords.length ? sentRecords.filter((r) => r.outcome !== 'ok').length / sentRecords.length : 0;
  const answered = new LatencyHistogram();
  for (const e of http ? input.history.filter((e) => e.status > 0) : sentRecords.filter((r) => r.outcome === 'ok')) answered.add(e.latencyMs);
  const p99 = answered.quantile(0.99) ?? Number.NaN;
  const broken = [
    ...(rate > t.errorRate ? [`error rate ${(rate * 100).toFixed(2)}% > ${(t.errorRate * 100).toFixed(2)}%`] : []),
    ...(p99 >= t.p99Ms ? [`p99 ${p99.toFixed(1)} ms ≥ ${t.p99Ms} ms`] : []),
    ...(dropped > t.dropped ? [`${dropped} arrival(s) dropped at the in-flight cap > ${t.dropped} allowed`] : []),
  ];
  const verdict: Verdict = answered.count === 0 ? 'unknown' : broken.length ? 'fail' : 'pass';
  const what = http ? 'answered request(s)' : 'acked record(s)';
  return {
    name: 'thresholds',
    verdict,
    summary:
      verdict === 'unknown'
        ? `No ${what}: nothing to hold the thresholds against.`
        : verdict === 'fail'
          ? `Crossed: ${broken.join('; ')}.`
          : `Error rate ${(rate * 100).toFixed(2)}% ≤ ${(t.errorRate * 100).toFixed(2)}%, p99 ${p99.toFixed(1)} ms < ${t.p99Ms} ms, ${dropped} dropped ≤ ${t.dropped}, over ${answered.count} ${what}.`,
    counts: { answered: answered.count, errorRatePpm: Math.round(rate * 1e6), p99Ms: Number.isNaN(p99) ? -1 : Math.round(p99 * 10) / 10, dropped },
    witnesses: [],
  };
}
