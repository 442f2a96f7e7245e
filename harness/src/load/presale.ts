import { LatencyHistogram, type PresaleSummary } from '@flux-gate/run-format';
import type { Pool } from 'undici';
import { arrivalTimes } from './arrivalTimes.ts';
import type { PresalePlan } from './LoadPlan.ts';
import { epochMs, runArrivals } from './openModel.ts';
import { OrderExchange } from './OrderExchange.ts';
import { arrivalOf, type Segment, segmentTimes } from './segment.ts';

/** One GET on a pool: its status (0 on a transport error) and the time it took, in ms. */
function get(pool: Pool, origin: string, path: string): Promise<{ status: number; ms: number }> {
  const start = performance.now();
  return new Promise((resolve) =>
    pool.dispatch({ origin, path, method: 'GET' }, new OrderExchange((status, _body, error) => resolve({ status: error ? 0 : status, ms: performance.now() - start }))),
  );
}

/**
 * The traffic before a sale opens, as in production, where the API has served browsing for hours:
 * product pages and the waiting-room page at an open-model rate for the phase's duration, spread over
 * the API instances. Then every pool opens all its connections at once (one GET /health on each), so
 * the sale's first arrivals find them open. Nothing of it goes into the history: the checkers count
 * only the sale. A process of several browses its segment of the schedule, from `startMono` on.
 *
 * Arrival n reads page (n + ⌊n / pages⌋) mod pages: the pages in turn, shifted by one on each pass
 * over them. Without the shift, instances taken in turn (by this engine or by nginx's round robin)
 * whose count divides the page count would each read only their own share of the products; with it,
 * every instance reads every page within as many passes as there are instances.
 */
export async function presale(
  plan: PresalePlan,
  targets: { pool: Pool; origin: string }[],
  connections: number,
  signal: AbortSignal,
  segment: Segment,
  startMono: number,
): Promise<PresaleSummary> {
  const startedAt = epochMs(startMono);
  const paths = [...plan.products.map((p) => `/products/${encodeURIComponent(p)}`), `/waiting-room?productId=${encodeURIComponent(plan.products[0] ?? '')}`];
  const latency = new LatencyHistogram();
  let errors = 0;
  const pending = new Set<Promise<void>>();
  const count = ({ status, ms }: { status: number; ms: number }) => {
    if (status >= 200 && status < 400) latency.add(ms);
    else errors++;
  };
  const times = segmentTimes(arrivalTimes(plan.rate, [{ rate: plan.rate, durationMs: plan.durationMs }]), segment);
  await runArrivals(
    times,
    (k) => {
      const n = arrivalOf(k, segment);
      const target = targets[n % targets.length]!;
      const p = get(target.pool, target.origin, paths[(n + Math.floor(n / paths.length)) % paths.length]!).then(count);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    signal,
    startMono,
  );
  await Promise.all(pending);
  const opened = await Promise.all(targets.flatMap((t) => Array.from({ length: connections }, () => get(t.pool, t.origin, '/health'))));
  for (const answer of opened) if (answer.status !== 200) errors++;
  return {
    startedAt,
    endedAt: epochMs(performance.now()),
    requests: times.length + opened.length,
    errors,
    p50Ms: latency.quantile(0.5),
    p99Ms: latency.quantile(0.99),
    connectionsOpened: opened.filter((a) => a.status === 200).length,
  };
}
