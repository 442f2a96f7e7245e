import type { MetricsScrape, Run, ScrapedHistogram } from '@flux-gate/run-format';

type Series = (number | null)[];

/** Cumulative counts per upper bound, in seconds; the last bound is +Inf (null once written as JSON). */
export type Buckets = Array<[le: number | null, count: number]>;

/** What one API instance finished between two of its scrapes: the change of its histogram, and when the two answered (epoch ms). */
export interface ServerInterval {
  fromTs: number;
  toTs: number;
  buckets: Buckets;
}

/** The API's own latency, from its scraped request histograms: per scrape interval, and over the whole run. */
export interface ServerLatency {
  /** Seconds since the run started, at the end of each scrape interval that answered requests. */
  x: number[];
  p50: Series;
  p99: Series;
  /** Over every scrape interval; null when the run has no scraped latency. */
  overall: { requests: number; p50Ms: number; p99Ms: number } | null;
  /** Each instance's scrape intervals that finished any request, for finer grouping (see serverTimingRows). */
  intervals: ServerInterval[];
}

/**
 * The q-quantile of cumulative histogram buckets, in ms, interpolated linearly inside the bucket that
 * holds it, as Prometheus's histogram_quantile does; the +Inf bucket answers its lower bound.
 */
export function bucketQuantile(buckets: Buckets, q: number): number | null {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let [prevLe, prevCount] = [0, 0];
  for (const [rawLe, count] of buckets) {
    const le = rawLe ?? Infinity;
    if (count >= rank) {
      if (le === Infinity) return prevLe * 1000;
      return (prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(count - prevCount, 1e-9)) * 1000;
    }
    [prevLe, prevCount] = [le, count];
  }
  return prevLe * 1000;
}

/** One target's histogram for `route`, summed over methods and statuses. */
function routeBuckets(scrape: MetricsScrape, route: string): Buckets | null {
  const series = scrape.histograms.filter((h: ScrapedHistogram) => h.name === 'http_request_duration_seconds' && h.labels.route === route);
  if (series.length === 0) return null;
  const sum: Buckets = series[0]!.buckets.map(([le]) => [le, 0]);
  for (const h of series) h.buckets.forEach(([, count], i) => (sum[i]![1] += count));
  return sum;
}

/** `now − before`, bucket by bucket; a process that restarted (a count went down) counts from zero. */
function delta(now: Buckets, before: Buckets | undefined): Buckets {
  if (!before || before.length !== now.length || now.some(([, c], i) => c < before[i]![1])) return now;
  return now.map(([le, c], i) => [le, c - before[i]![1]]);
}

/** `more` added into `into` bucket by bucket (a copy of `more` when `into` is null or shaped otherwise). */
export function addBuckets(into: Buckets | null, more: Buckets): Buckets {
  if (!into || into.length !== more.length) return more.map(([le, c]) => [le, c]);
  more.forEach(([, c], i) => (into[i]![1] += c));
  return into;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/**
 * The server-side latency of `route` (POST /order by default) from metrics.ndjson: the scrapes of
 * every API instance in the same second are summed, and each second's quantiles come from the change
 * since each instance's scrape before; the changes are kept per instance and interval too.
 */
export async function serverLatency(run: Run, route = '/order'): Promise<ServerLatency> {
  const origin = run.manifest.startedAt;
  const last = new Map<string, { buckets: Buckets; ts: number }>();
  const intervals: ServerInterval[] = [];
  const ticks = new Map<number, Buckets | null>();
  let whole: Buckets | null = null;
  for await (const scrape of run.metrics()) {
    if (scrape.error) continue;
    const now = routeBuckets(scrape, route);
    if (!now) continue;
    // The counts are the instance's when it answered; runs before answeredTs have only the sending time.
    const at = scrape.answeredTs ?? scrape.ts;
    const before = last.get(scrape.target);
    const d = delta(now, before?.buckets);
    last.set(scrape.target, { buckets: now, ts: at });
    if ((d.at(-1)?.[1] ?? 0) > 0) intervals.push({ fromTs: before?.ts ?? at, toTs: at, buckets: d });
    // The chart's ticks are whole seconds: the scrapes (every 500 ms, or every second in older runs) of one second are summed.
    const tick = Math.round((at - origin) / 1000);
    ticks.set(tick, addBuckets(ticks.get(tick) ?? null, d));
    whole = addBuckets(whole, d);
  }
  const answered = [...ticks].filter(([, b]) => (b?.at(-1)?.[1] ?? 0) > 0).sort(([a], [b]) => a - b);
  const requests = whole?.at(-1)?.[1] ?? 0;
  return {
    x: answered.map(([t]) => t),
    p50: answered.map(([, b]) => round(bucketQuantile(b!, 0.5))),
    p99: answered.map(([, b]) => round(bucketQuantile(b!, 0.99))),
    overall: whole && requests > 0 ? { requests, p50Ms: bucketQuantile(whole, 0.5)!, p99Ms: bucketQuantile(whole, 0.99)! } : null,
    intervals,
  };
}
