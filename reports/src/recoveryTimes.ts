import type { HistoryDigest } from './digestHistory.ts';
import type { FaultRecord, KeyFigures } from './runFiles.ts';

/** Recovered means a bucket's error rate is back at or under this share, or 1.5× the rate before the first fault if higher. */
export const recoveredErrorRate = 0.01;

/**
 * Seconds from each fault's heal to the start of the first time bucket after it whose error rate is
 * back to normal (see recoveredErrorRate); null when the fault never healed or no such bucket came.
 */
export function recoveryTimes(faults: FaultRecord[], digest: HistoryDigest): KeyFigures['recovery'] {
  const origin = digest.buckets.originMs;
  const buckets = digest.buckets.list();
  const firstInject = Math.min(...faults.map((f) => f.injectedAt));
  let before = 0;
  let beforeErrors = 0;
  for (const { startMs, bucket } of buckets) {
    if (origin + startMs + digest.buckets.widthMs > firstInject) break;
    const n = Object.values(bucket.counts).reduce((a, b) => a + b, 0);
    before += n;
    beforeErrors += bucket.errors;
  }
  const threshold = Math.max(recoveredErrorRate, before ? (1.5 * beforeErrors) / before : 0);

  return faults.map((f) => {
    if (f.healedAt === undefined) return { fault: f.label, seconds: null };
    const healedAt = f.healedAt;
    const back = buckets.find(({ startMs, bucket }) => {
      const n = Object.values(bucket.counts).reduce((a, b) => a + b, 0);
      return origin + startMs >= healedAt && n > 0 && bucket.errors / n <= threshold;
    });
    return { fault: f.label, seconds: back ? (origin + back.startMs - healedAt) / 1000 : null };
  });
}
