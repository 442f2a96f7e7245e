import { type Answer, type Classified, classifyAnswer, classifyTransport, type HistoryEntry, isRetryable, type NdjsonWriter } from '@flux-gate/run-format';
import { admissionTokenHeader } from '@flux-gate/contracts';
import { OrderExchange } from './OrderExchange.ts';
import { Pool } from 'undici';
import { arrivalTimes } from './arrivalTimes.ts';
import { backoffMs, type Buyer, buyers } from './buyers.ts';
import type { HttpPlan } from './LoadPlan.ts';
import { epochMs, runArrivals } from './openModel.ts';
import { presale } from './presale.ts';
import type { PresaleSummary } from '@flux-gate/run-format';
import { type Admission, WaitingRoomFollower } from './WaitingRoomFollower.ts';
import type { InProcess } from './LoadJob.ts';
import { arrivalOf, segmentTimes, shareOf } from './segment.ts';

export interface WorkloadResult {
  offered: number;
  started: number;
  dropped: number;
  retries: number;
  wallMs: number;
  presale?: PresaleSummary;
}

const parseBody = (text: string): Extract<Answer, { body?: unknown }>['body'] => {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as { orderId?: unknown; error?: unknown };
  } catch {
    return undefined;
  }
};

/** One line of history for one answered (or unanswered) attempt. */
function attemptLine(buyer: Buyer, attempt: number, api: string, times: { dueMono: number; sentMono: number; endMono: number }, status: number, c: Classified, admission?: Admission): HistoryEntry {
  return {
    ts: epochMs(times.sentMono),
    intendedTs: epochMs(times.dueMono),
    sentTs: epochMs(times.sentMono),
    latencyMs: Math.round((times.endMono - times.dueMono) * 1000) / 1000,
    userId: buyer.userId,
    productId: buyer.productId,
    key: buyer.key,
    status,
    outcome: c.outcome,
    ...(c.orderId ? { orderId: c.orderId } : {}),
    ...(c.error ? { error: c.error } : {}),
    attempt,
    api,
    ...(admission ? { token: admission.use, ticket: admission.ticket } : {}),
  };
}

/** The line of an arrival dropped at the in-flight cap: due, never sent. */
const droppedLine = (buyer: Buyer, dueMono: number): HistoryEntry => ({
  ts: epochMs(dueMono),
  intendedTs: epochMs(dueMono),
  latencyMs: 0,
  ...buyer,
  status: 0,
  outcome: 'dropped',
  error: 'in_flight_cap',
  attempt: 1,
});

/**
 * Buyers at an open-model rate: one POST /order per arrival, through undici, never following a
 * redirect, reading every body. A 503 or an unknown outcome is retried with the same
 * Idempotency-Key after a jittered backoff. Every attempt, and every arrival dropped at the
 * in-flight cap, is one line of history. With `plan.waitingRoom`, a buyer answered 302 follows the
 * waiting room (WaitingRoomFollower), its steps written to `queueOut`.
 *
 * It sends only the arrivals of its segment, with its share of the in-flight cap, of the connections
 * and of the spoiled tokens; the pre-sale browsing and the sale start when every process is ready.
 */
export async function httpLoad(plan: HttpPlan, out: NdjsonWriter, signal: AbortSignal, { segment, startTogether }: InProcess, queueOut?: NdjsonWriter): Promise<WorkloadResult> {
  const times = segmentTimes(arrivalTimes(plan.startRate, plan.stages), segment);
  const who = buyers(plan);
  const maxInFlight = Math.max(1, shareOf(plan.maxInFlight, segment));
  const connections = Math.max(1, shareOf(plan.connections, segment));
  const pools = plan.apiUrls.map(
    (url) => new Pool(url, { connections, headersTimeout: plan.timeoutMs, bodyTimeout: plan.timeoutMs, keepAliveTimeout: 30_000 }),
  );
  let inFlight = 0;
  let started = 0;
  let dropped = 0;
  let retries = 0;
  let open = 0; // arrivals not yet finished, backoffs included
  let lastEnd = 0;
  const backoffs = new Set<NodeJS.Timeout>();
  let settled: () => void = () => {};
  const allSettled = new Promise<void>((resolve) => (settled = resolve));
  let scheduling = true;
  const finishArrival = () => {
    open--;
    if (!scheduling && open === 0) settled();
  };

  const poolOf = (i: number) => ((i % pools.length) + pools.length) % pools.length;
  const follower =
    plan.waitingRoom && queueOut
      ? new WaitingRoomFollower(
          {
            get: (n, path, done) => {
              const index = poolOf(n);
              inFlight++;
              const exchange = new OrderExchange((status, text, error) => {
                inFlight--;
                done(status, text, error);
              });
              pools[index]!.dispatch({ origin: plan.apiUrls[index]!, path, method: 'GET' }, exchange);
            },
            order: (n, attempt, dueMono, admission) => send(n, attempt, dueMono, admission),
            begin: () => void open++,
            finish: finishArrival,
          },
          queueOut,
          { ...plan.waitingRoom, spoiledTokens: shareOf(plan.waitingRoom.spoiledTokens, segment), products: plan.products },
          signal,
        )
      : undefined;

  const send = (n: number, attempt: number, dueMono: number, admission?: Admission) => {
    const buyer = admission?.buyer ?? who(n);
    const index = poolOf(n + attempt - 1);
    const sentMono = performance.now();
    inFlight++;
    const exchange = new OrderExchange((status, text, error) => {
      inFlight--;
      const endMono = performance.now();
      if (endMono > lastEnd) lastEnd = endMono;
      const c = classifyAnswer(error ? { status: 0, transport: classifyTransport(error) } : { status, body: parseBody(text) });
      const entry = attemptLine(buyer, attempt, plan.apiUrls[index]!, { dueMono, sentMono, endMono }, error ? 0 : status, c, admission);
      out.write(entry);
      if (attempt <= plan.retries && isRetryable(entry) && !signal.aborted) {
        const delay = backoffMs(plan.seed, n, attempt, plan.backoff);
        retries++;
        const retryDue = endMono + delay;
        // Timers run on a millisecond clock and may fire a fraction early: never send before the due time.
        const wake = () => {
          const early = retryDue - performance.now();
          const timer = setTimeout(() => {
            backoffs.delete(timer);
            if (performance.now() < retryDue) wake();
            else send(n, attempt + 1, retryDue, admission);
          }, Math.max(0, Math.ceil(early)));
          backoffs.add(timer);
        };
        wake();
        return;
      }
      if (follower && !admission && status === 302 && !error && follower.follow(n, buyer, attempt, text, endMono)) return;
      if (follower && admission) follower.ordered(admission, entry);
      finishArrival();
    });
    pools[index]!.dispatch(
      {
        origin: plan.apiUrls[index]!,
        path: '/order',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': buyer.key, ...(admission ? { [admissionTokenHeader]: admission.token } : {}) },
        body: `{"userId":${JSON.stringify(buyer.userId)},"productId":${JSON.stringify(admission?.productId ?? buyer.productId)}}`,
      },
      exchange,
    );
  };

  const onAbort = () => {
    for (const t of backoffs) {
      clearTimeout(t);
      finishArrival();
    }
    backoffs.clear();
  };
  signal.addEventListener('abort', onAbort, { once: true });

  const browseAt = await startTogether();
  const targets = pools.map((pool, i) => ({ pool, origin: plan.apiUrls[i]! }));
  const warm = plan.presale ? await presale(plan.presale, targets, connections, signal, segment, browseAt) : undefined;
  const saleAt = await startTogether();
  const { offered, startMono } = await runArrivals(
    times,
    (k, dueMono) => {
      const n = arrivalOf(k, segment);
      if (inFlight >= maxInFlight) {
        dropped++;
        out.write(droppedLine(who(n), dueMono));
        return;
      }
      started++;
      open++;
      send(n, 1, dueMono);
    },
    signal,
    saleAt,
  );
  scheduling = false;
  if (open === 0) settled();
  // On abort, what is in flight gets a short while to answer, then its sockets are closed (recorded as unknown).
  if (signal.aborted) await Promise.race([allSettled, new Promise((r) => setTimeout(r, Math.min(plan.timeoutMs, 2000)))]);
  else await allSettled;
  await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  if (signal.aborted) await Promise.race([allSettled, new Promise((r) => setTimeout(r, 1000))]);
  signal.removeEventListener('abort', onAbort);
  return { offered, started, dropped, retries, wallMs: Math.max(0, (lastEnd || startMono) - startMono), ...(warm ? { presale: warm } : {}) };
}
