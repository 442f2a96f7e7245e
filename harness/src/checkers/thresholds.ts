import { type CheckResult, ErrorRate, errorRate, type HistoryEntry, LatencyHistogram, RequestTiming, type Verdict } from '@flux-gate/run-format';
import { groupBy } from './groupBy.ts';
import { ProductCounts } from './ProductCounts.ts';

/** The engine's lag p99 a run vouches for when the experiment does not say (experimentSchema's default). */
const defaultEngineLagP99Ms = 5;

/** Arrivals whose last attempt was an error (ErrorRate's definition), per product. */
function errorsByProduct(history: HistoryEntry[]): ProductCounts {
  const counts = new ProductCounts();
  for (const [productId, entries] of groupBy(history, (e) => e.productId)) {
    const rate = new ErrorRate();
    for (const e of entries) rate.add(e);
    counts.add(productId, 'errors', rate.errors);
  }
  return counts;
}
import type { CheckInput } from './CheckInput.ts';

/**
 * The load's pass/fail contract, over the recorded history: the error rate (the report's own
 * definition, errorRate()), the p99 of answered requests counted from when each was due, and the
 * arrivals dropped at the in-flight cap. For a Kafka-side load, the same over its records: a record
 * is an error unless the broker acked it.
 *
 * The latency from due holds the load engine's own lateness (sent − due). When the engine fell
 * behind (its lag p99 above `engineLagP99Ms`), a p99 under the bound still holds (the system's part is
 * smaller still), but a crossed one cannot be laid on the system: the latency is then unknown, and
 * the verdict unknown unless another threshold failed.
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
  const timing = new RequestTiming();
  if (http) for (const e of input.history) timing.add(e);
  const lagBound = t.engineLagP99Ms ?? defaultEngineLagP99Ms;
  const lagP99 = timing.lag.quantile(0.99);
  const answerP99 = timing.answer.quantile(0.99);
  const engineBehind = lagP99 !== null && lagP99 > lagBound;
  const latencyCrossed = p99 >= t.p99Ms;
  const broken = [
    ...(rate > t.errorRate ? [`error rate ${(rate * 100).toFixed(2)}% > ${(t.errorRate * 100).toFixed(2)}%`] : []),
    ...(latencyCrossed && !engineBehind ? [`p99 ${p99.toFixed(1)} ms ≥ ${t.p99Ms} ms`] : []),
    ...(dropped > t.dropped ? [`${dropped} arrival(s) dropped at the in-flight cap > ${t.dropped} allowed`] : []),
  ];
  const latencyUnknown = latencyCrossed && engineBehind;
  const verdict: Verdict = answered.count === 0 ? 'unknown' : broken.length ? 'fail' : latencyUnknown ? 'unknown' : 'pass';
  const what = http ? 'answered request(s)' : 'acked record(s)';
  const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} ms`);
  const behind = engineBehind
    ? ` The load engine fell behind: its lag (sent − due) p99 ${ms(lagP99)} > ${lagBound} ms${latencyUnknown ? `, so the p99 ${p99.toFixed(1)} ms ≥ ${t.p99Ms} ms is not the system's alone (answer time p99 ${ms(answerP99)}): latency unknown` : ''}.`
    : '';
  return {
    name: 'thresholds',
    verdict,
    summary:
      answered.count === 0
        ? `No ${what}: nothing to hold the thresholds against.`
        : broken.length
          ? `Crossed: ${broken.join('; ')}.${behind}`
          : latencyUnknown
            ? `Error rate ${(rate * 100).toFixed(2)}% ≤ ${(t.errorRate * 100).toFixed(2)}%, ${dropped} dropped ≤ ${t.dropped}.${behind}`
            : `Error rate ${(rate * 100).toFixed(2)}% ≤ ${(t.errorRate * 100).toFixed(2)}%, p99 ${p99.toFixed(1)} ms < ${t.p99Ms} ms, ${dropped} dropped ≤ ${t.dropped}, over ${answered.count} ${what}.${behind}`,
    counts: {
      answered: answered.count,
      errorRatePpm: Math.round(rate * 1e6),
      p99Ms: Number.isNaN(p99) ? -1 : Math.round(p99 * 10) / 10,
      dropped,
      ...(lagP99 === null ? {} : { engineLagP99Ms: Math.round(lagP99 * 10) / 10, answerP99Ms: Math.round((answerP99 ?? 0) * 10) / 10, engineBehind: engineBehind ? 1 : 0 }),
    },
    ...(http ? errorsByProduct(input.history).result() : {}),
    witnesses: [],
  };
}
