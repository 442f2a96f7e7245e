import { ErrorRate, LatencyHistogram, isError, outcomeClass, type OutcomeClass, outcomeClasses, RequestTiming, type Run, wasSent, WindowCounter } from '@flux-gate/run-format';
import { ProductDigest, type ProductFigures } from './ProductDigest.ts';
import { Reservoir } from './Reservoir.ts';
import { TimeBuckets } from './TimeBuckets.ts';

/** What one pass over a run's history leaves: totals, latency distribution, a latency sample and time buckets. */
export interface HistoryDigest {
  /** Requests sent (retries included); dropped arrivals are not requests. */
  requests: number;
  /** Arrivals dropped at the in-flight cap. */
  dropped: number;
  byClass: Record<OutcomeClass, number>;
  /** Requests that were errors (see isError). */
  errors: number;
  /** The run's error rate, per arrival (see ErrorRate). */
  errorRate: number;
  firstTs: number | null;
  /** When the first arrival was due (intendedTs), dropped ones included. */
  firstDueTs: number | null;
  lastTs: number | null;
  /** Latency of every answered request (status > 0). */
  latency: LatencyHistogram;
  /** Sent requests' latency from due split into the engine's lag and the answer time. */
  timing: RequestTiming;
  /** A uniform sample of at most 10,000 answered requests' latencies, for bootstrap comparisons. */
  latencySample: number[];
  buckets: TimeBuckets;
  /** The arrivals per fault window, counted as the history streams by; broken promises need the final state. */
  windows: WindowCounter;
  /** Per product: arrivals, errors, latency and when it was first answered sold out. */
  products: Map<string, ProductFigures>;
  /** Lines of history.ndjson that were not JSON. */
  badLines: number;
}

const sampleSize = 10_000;
const sampleSeed = 0x5eed;

/** Reads a run's history once, in bounded memory whatever its length. */
export async function digestHistory(run: Run): Promise<HistoryDigest> {
  const byClass = Object.fromEntries(outcomeClasses.map((c) => [c, 0])) as Record<OutcomeClass, number>;
  const latency = new LatencyHistogram();
  const timing = new RequestTiming();
  const reservoir = new Reservoir(sampleSize, sampleSeed);
  const buckets = new TimeBuckets(run.manifest.startedAt);
  const rate = new ErrorRate();
  const windows = new WindowCounter(run.faults);
  const products = new ProductDigest();
  let requests = 0;
  let dropped = 0;
  let errors = 0;
  let firstTs = Infinity;
  let firstDueTs = Infinity;
  let lastTs = -Infinity;
  let badLines = 0;

  for await (const e of run.history(() => badLines++)) {
    const cls = outcomeClass(e);
    const error = isError(e);
    const bucket = buckets.at(e.ts);
    byClass[cls]++;
    windows.add(e);
    firstDueTs = Math.min(firstDueTs, e.intendedTs ?? e.ts);
    bucket.counts[cls]++;
    if (!wasSent(e)) {
      dropped++;
      continue;
    }
    requests++;
    rate.add(e);
    products.add(e);
    timing.add(e);
    bucket.timing.add(e);
    if (error) {
      errors++;
      bucket.errors++;
    }
    if (e.status > 0) {
      latency.add(e.latencyMs);
      bucket.latency.add(e.latencyMs);
      reservoir.add(e.latencyMs);
    }
    if (e.ts < firstTs) firstTs = e.ts;
    if (e.ts > lastTs) lastTs = e.ts;
  }

  return {
    requests,
    dropped,
    byClass,
    errors,
    errorRate: rate.rate,
    firstTs: requests ? firstTs : null,
    firstDueTs: Number.isFinite(firstDueTs) ? firstDueTs : null,
    lastTs: requests ? lastTs : null,
    latency,
    timing,
    latencySample: reservoir.values,
    buckets,
    windows,
    products: products.products,
    badLines,
  };
}
