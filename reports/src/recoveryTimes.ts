import type { HistoryDigest } from './digestHistory.ts';
import type { FaultRecord, KeyFigures, Sample } from '@flux-gate/run-format';

/** Recovered means a bucket's error rate is back at or under this share, or 1.5× the rate before the first fault if higher. */
export const recoveredErrorRate = 0.01;

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * Seconds from each fault's heal until both (a) a time bucket after the heal has a normal error rate
 * (see recoveredErrorRate) and (b) the worker's Kafka lag is back to what it was when the fault was
 * injected. Null when the fault never healed or either never happened.
 */
export function recoveryTimes(faults: FaultRecord[], digest: HistoryDigest, samples: Sample[]): KeyFigures['recovery'] {
  const origin = digest.buckets.originMs;
  const buckets = digest.buckets.list();
  const firstInject = Math.min(...faults.map((f) => f.injectedAt));
  let before = 0;
  let beforeErrors = 0;
  for (const { startMs, bucket } of buckets) {
    if (origin + startMs + digest.buckets.widthMs > firstInject) break;
    before += total(bucket.counts);
    beforeErrors += bucket.errors;
  }
  const threshold = Math.max(recoveredErrorRate, before ? (1.5 * beforeErrors) / before : 0);
  const lagged = samples.filter((s) => s.kafkaLag !== null);

  return faults.map((f) => {
    const healedAt = f.healedAt;
    if (healedAt === undefined) return { fault: f.label, seconds: null };
    const errorsBack = buckets.find(({ startMs, bucket }) => {
      const n = total(bucket.counts);
      return origin + startMs >= healedAt && n > 0 && bucket.errors / n <= threshold;
    });
    const lagAtInject = lagged.filter((s) => s.ts <= f.injectedAt).at(-1)?.kafkaLag ?? 0;
    const lagBack = lagged.length ? lagged.find((s) => s.ts >= healedAt && s.kafkaLag! <= lagAtInject)?.ts : healedAt;
    if (!errorsBack || lagBack === undefined) return { fault: f.label, seconds: null };
    return { fault: f.label, seconds: (Math.max(origin + errorsBack.startMs, lagBack) - healedAt) / 1000 };
  });
}
