import type { ServerTimingFigures } from '@flux-gate/run-format';
import { addBuckets, bucketQuantile, type Buckets, type ServerInterval } from './serverLatency.ts';

type Server = Required<ServerTimingFigures>;

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

function figuresOf(buckets: Buckets | null): Server {
  const requests = buckets?.at(-1)?.[1] ?? 0;
  return { serverRequests: requests, serverP99Ms: buckets && requests > 0 ? round(bucketQuantile(buckets, 0.99)) : null };
}

/**
 * The API's own p99 over each timing row (ms since `originMs`) and over the whole run, from its scrape
 * intervals: every interval of every instance counts in the row its midpoint falls in, and a row's
 * p99 comes from the sum of its intervals' histogram changes. The whole run's is over every interval.
 * A row no interval falls in gets 0 requests and a null p99. An interval that spans two rows counts
 * whole in one, so with rows as wide as the scrape interval a row's figure is that of about the same
 * half-second.
 */
export function serverTimingRows<R extends { fromMs: number; toMs: number }>(rows: R[], intervals: ServerInterval[], originMs: number): { whole: Server; rows: (R & Server)[] } {
  const perRow: (Buckets | null)[] = rows.map(() => null);
  let all: Buckets | null = null;
  for (const { fromTs, toTs, buckets } of intervals) {
    all = addBuckets(all, buckets);
    const mid = (fromTs + toTs) / 2 - originMs;
    const i = rows.findIndex((r) => mid >= r.fromMs && mid < r.toMs);
    if (i >= 0) perRow[i] = addBuckets(perRow[i] ?? null, buckets);
  }
  return { whole: figuresOf(all), rows: rows.map((r, i) => ({ ...r, ...figuresOf(perRow[i] ?? null) })) };
}
