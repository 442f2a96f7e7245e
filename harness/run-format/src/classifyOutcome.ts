import type { HistoryEntry, Outcome } from './runFiles.ts';

/**
 * The one place a request's outcome is decided. Every load engine records what it classifies here,
 * and every checker and report reads outcomes and error rates through this module.
 */

/** What a client saw: an HTTP answer (status > 0), or no answer and the transport's error kind. */
export type Answer = { status: number; body?: { orderId?: unknown; error?: unknown } } | { status: 0; transport: TransportError };

/** Why no answer came. */
export const transportErrors = ['timeout', 'reset', 'refused', 'closed', 'aborted', 'other'] as const;
export type TransportError = (typeof transportErrors)[number];

export interface Classified {
  outcome: Exclude<Outcome, 'dropped'>;
  /** The body's error code, the transport error, or http_<status>; absent on 200. */
  error?: string;
  orderId?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Decisive answers are ok (200) or fail (a refusal: 302, 4xx, a 503 that holds nothing). Anything
 * else may or may not have happened, and is unknown:
 * - no answer at all, whatever the transport said. A refused connection counts too: an engine may
 *   resend a request carrying an Idempotency-Key on a new connection after the first one broke;
 * - a 503 naming an order id: Kafka's ack was late, and that order may yet be placed;
 * - any other 5xx.
 */
export function classifyAnswer(answer: Answer): Classified {
  if (answer.status === 0) return { outcome: 'unknown', error: 'transport' in answer ? answer.transport : 'other' };
  const body = 'body' in answer ? answer.body : undefined;
  const orderId = text(body?.orderId);
  const withOrder = orderId ? { orderId } : {};
  if (answer.status === 200) return { outcome: 'ok', ...withOrder };
  if (answer.status === 503) return orderId ? { outcome: 'unknown', error: 'unavailable_order_open', orderId } : { outcome: 'fail', error: text(body?.error) ?? 'http_503' };
  const error = text(body?.error) ?? `http_${answer.status}`;
  return answer.status >= 500 ? { outcome: 'unknown', error, ...withOrder } : { outcome: 'fail', error };
}

/** The transport error kind of a thrown client error, from its code and message. */
export function classifyTransport(err: unknown): TransportError {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) return 'timeout';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /reset/i.test(message)) return 'reset';
  if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED' || /other side closed|socket hang up/i.test(message)) return 'closed';
  if (code === 'UND_ERR_ABORTED' || e?.name === 'AbortError') return 'aborted';
  return 'other';
}

/** A request worth retrying with the same Idempotency-Key: its outcome is open, or the system was unavailable. */
export function isRetryable(entry: Pick<HistoryEntry, 'outcome' | 'status'>): boolean {
  return entry.outcome === 'unknown' || entry.status === 503;
}

/** The answer classes charted and counted: the system's expected answers, unknown, dropped, and the rest. */
export const outcomeClasses = ['200', '302', '409', '503', 'unknown', 'dropped', 'other'] as const;
export type OutcomeClass = (typeof outcomeClasses)[number];

/** The class of one history line; no answer (status 0) or an unknown outcome is 'unknown'. */
export function outcomeClass(e: Pick<HistoryEntry, 'outcome' | 'status'>): OutcomeClass {
  if (e.outcome === 'dropped') return 'dropped';
  if (e.outcome === 'unknown' || e.status === 0) return 'unknown';
  const s = String(e.status);
  return s === '200' || s === '302' || s === '409' || s === '503' ? s : 'other';
}

/** A request that was sent, as opposed to an arrival dropped at the in-flight cap. */
export const wasSent = (e: Pick<HistoryEntry, 'outcome'>): boolean => e.outcome !== 'dropped';

/** An error is a sent request with no known answer or a 5xx answer; 302 and 409 are refusals, not errors. */
export function isError(e: Pick<HistoryEntry, 'outcome' | 'status'>): boolean {
  return wasSent(e) && (outcomeClass(e) === 'unknown' || e.status >= 500);
}

/**
 * The error rate, one definition for thresholds and reports: the share of arrivals (one
 * Idempotency-Key each) whose last attempt was an error. A retry that got a decisive answer clears its
 * arrival's error. Dropped arrivals are counted apart, never as errors.
 */
export class ErrorRate {
  readonly #last = new Map<string, { attempt: number; error: boolean }>();

  add(e: Pick<HistoryEntry, 'key' | 'attempt' | 'outcome' | 'status'>): void {
    if (!wasSent(e)) return;
    const seen = this.#last.get(e.key);
    if (!seen || e.attempt >= seen.attempt) this.#last.set(e.key, { attempt: e.attempt, error: isError(e) });
  }

  get arrivals(): number {
    return this.#last.size;
  }

  get errors(): number {
    let n = 0;
    for (const v of this.#last.values()) if (v.error) n++;
    return n;
  }

  get rate(): number {
    return this.arrivals ? this.errors / this.arrivals : 0;
  }
}

/** The error rate of a whole history (see ErrorRate). */
export function errorRate(history: Iterable<Pick<HistoryEntry, 'key' | 'attempt' | 'outcome' | 'status'>>): number {
  const rate = new ErrorRate();
  for (const e of history) rate.add(e);
  return rate.rate;
}
