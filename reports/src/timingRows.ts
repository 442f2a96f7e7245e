import { RequestTiming, type TimingFigures } from '@flux-gate/run-format';
import type { TimeBuckets } from './TimeBuckets.ts';

/** One row of the timing table: the requests due in [fromMs, toMs) of the run, their engine lag and answer time. */
export type TimingRow = TimingFigures & { fromMs: number; toMs: number };

/**
 * The time buckets regrouped into rows at least `rowMs` wide (wider when the run is long, so there are
 * at most `maxRows`), each row's timing merged; rows nothing was sent in are left out.
 */
export function timingRows(buckets: TimeBuckets, rowMs = 500, maxRows = 40): TimingRow[] {
  const list = buckets.list();
  if (list.length === 0) return [];
  const span = list[list.length - 1]!.startMs + buckets.widthMs - list[0]!.startMs;
  let width = Math.max(rowMs, buckets.widthMs);
  while (span / width > maxRows) width *= 2;
  const rows = new Map<number, RequestTiming>();
  for (const { startMs, bucket } of list) {
    const row = Math.floor(startMs / width);
    let timing = rows.get(row);
    if (!timing) rows.set(row, (timing = new RequestTiming(2)));
    timing.merge(bucket.timing);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([row, timing]) => ({ fromMs: row * width, toMs: (row + 1) * width, ...timing.summary() }))
    .filter((r) => r.sent > 0);
}
