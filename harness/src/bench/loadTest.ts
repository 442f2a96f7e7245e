import autocannon from 'autocannon';

export interface LoadResult {
  label: string;
  reqPerSec: number;
  /** Responses per second with status 200. */
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  label: string;
  url: string;
  /** Builds each request's JSON body; n counts requests from 0. */
  body: (n: number) => unknown;
  connections?: number;
  durationS?: number;
}

/** One autocannon run of POST /order on loopback, as fast as the answers come: a fixed-cost generator, bounded in time. */
export async function loadTest(opts: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections ?? 64,
    duration: opts.durationS ?? 8,
    timeout: 5,
    requests: [
      {
        method: 'POST',
        path: '/order',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: JSON.stringify(opts.body(n++)) }),
      },
    ],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, (s as { count: number }).count]));
  const seconds = result.duration;
  return {
    label: opts.label,
    reqPerSec: result.requests.total / seconds,
    okPerSec: (statuses['200'] ?? 0) / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
