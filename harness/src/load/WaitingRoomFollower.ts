import { type HistoryEntry, type NdjsonWriter, type QueueEntry, type QueueState, type TokenUse } from '@flux-gate/run-format';
import type { Buyer } from './buyers.ts';
import { epochMs } from './openModel.ts';
import { spoilToken } from './spoilToken.ts';

/** The token an order carries, and who sends it: the ticket's own buyer, or one of the load's own for a spoiled token. */
export interface Admission {
  token: string;
  ticket: string;
  use: TokenUse;
  buyer: Buyer;
  /** The product the body names (another one than the token's, for `other_product`). */
  productId: string;
}

/** What the follower asks of the HTTP load it rides on. */
export interface FollowerHost {
  /** GET `path` on arrival n's API instance, counted in flight; `done` gets the status and body, or the error. */
  get(n: number, path: string, done: (status: number, text: string, error: Error | undefined) => void): void;
  /** Arrival n's POST /order with this token, attempt `attempt`, due at `dueMono`; it ends the arrival (or probe) when answered. */
  order(n: number, attempt: number, dueMono: number, admission: Admission): void;
  /** A spoiled-token probe opens, counted like an arrival until its order is answered. */
  begin(): void;
  /** Arrival n's wait ended without an order. */
  finish(): void;
}

interface Waiting {
  n: number;
  buyer: Buyer;
  attempt: number;
  ticket: string;
  number: number;
  deadline: number;
  timer?: NodeJS.Timeout;
}

const json = (text: string): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const states: readonly QueueState[] = ['waiting', 'admitted', 'sold_out'];

/** Polls that fail are tried again after this; the API's suggestion is bounded to [min, max]. */
const retryPollMs = 500;
const pollBounds = { min: 50, max: 5000 };
/** A held token is sent this long after the expiry it states. */
const expiryMarginMs = 300;

/**
 * Buyers following the waiting room, as the page does: a 302 gives the ticket; the buyer polls GET
 * /queue/<ticket> at the interval each answer suggests, orders with the admission token (same body,
 * same Idempotency-Key) once admitted, stops on sold_out, and gives up when its patience runs out.
 * Every step is one line of queue.ndjson. A buyer between polls holds no request, so it is not in
 * flight and never stops an arrival.
 *
 * It also spoils tokens on purpose, `spoiledTokens` of each kind: the first admitted tickets' tokens
 * are held past their expiry and then used by their buyers (expired); a copy of an admitted token
 * with its ticket number altered, the signature kept, is sent by a buyer of the load's own (forged);
 * a token already used for an accepted order is sent again by such a buyer with a new key
 * (replayed); and, with two products or more, a token sent for another product (other_product).
 */
export class WaitingRoomFollower {
  readonly #waiting = new Set<Waiting>();
  readonly #held = new Set<NodeJS.Timeout>();
  readonly #left: Record<Exclude<TokenUse, 'admitted'>, number>;
  #probes = 0;

  constructor(
    private readonly host: FollowerHost,
    private readonly out: NdjsonWriter,
    private readonly opts: { patienceMs: number; spoiledTokens: number; products: readonly string[] },
    private readonly signal: AbortSignal,
  ) {
    const n = opts.spoiledTokens;
    this.#left = { expired: n, forged: n, replayed: n, other_product: opts.products.length > 1 ? n : 0 };
    signal.addEventListener('abort', () => this.#stopAll(), { once: true });
  }

  /** Arrival n was answered 302 with `body` at `endMono`: take the ticket and start polling. Returns false when the body holds no ticket. */
  follow(n: number, buyer: Buyer, attempt: number, body: string, endMono: number): boolean {
    const queued = json(body);
    const ticket = typeof queued?.ticket === 'string' ? queued.ticket : undefined;
    if (!ticket || this.signal.aborted) return false;
    const number = num(queued?.number) ?? Number.NaN;
    this.#line({ step: 'ticket', ts: epochMs(endMono), userId: buyer.userId, productId: buyer.productId, key: buyer.key, ticket, ...(Number.isNaN(number) ? {} : { number }) });
    const w: Waiting = { n, buyer, attempt, ticket, number, deadline: endMono + this.opts.patienceMs };
    this.#waiting.add(w);
    this.#poll(w);
    return true;
  }

  /** An order with a token was answered: a good token used for an accepted order is replayed, while replays are left to send. */
  ordered(admission: Admission, entry: HistoryEntry): void {
    if (admission.use !== 'admitted' || entry.status !== 200 || this.#left.replayed <= 0 || this.signal.aborted) return;
    this.#left.replayed--;
    this.#probe('replayed', admission.token, admission.ticket, admission.productId, admission.buyer, performance.now());
  }

  #line(e: QueueEntry): void {
    this.out.write(e);
  }

  #poll(w: Waiting): void {
    const sentMono = performance.now();
    if (sentMono >= w.deadline) return this.#giveUp(w, 'patience', w.deadline);
    this.host.get(w.n, `/queue/${encodeURIComponent(w.ticket)}`, (status, text, error) => {
      const endMono = performance.now();
      const body = error ? undefined : json(text);
      const state = states.find((s) => s === body?.state);
      const eta = num(body?.etaMs);
      const pollMs = num(body?.pollMs);
      const code = error ? (error.name === 'AbortError' ? 'aborted' : 'transport') : typeof body?.error === 'string' ? body.error : status === 200 ? undefined : `http_${status}`;
      this.#line({
        step: 'poll',
        ts: epochMs(sentMono),
        endTs: epochMs(endMono),
        userId: w.buyer.userId,
        productId: w.buyer.productId,
        key: w.buyer.key,
        ticket: w.ticket,
        ...(Number.isNaN(w.number) ? {} : { number: w.number }),
        status: error ? 0 : status,
        ...(state ? { state } : {}),
        ...(state === 'waiting' ? { position: num(body?.position), ahead: num(body?.ahead) } : {}),
        serving: num(body?.serving),
        issued: num(body?.issued),
        ...(state === 'waiting' && eta !== undefined ? { etaMs: eta } : {}),
        ...(pollMs !== undefined ? { pollMs } : {}),
        ...(code ? { error: code } : {}),
      });
      if (this.signal.aborted) return this.#giveUp(w, 'stopped', endMono);
      if (state === 'sold_out') return this.#end(w);
      if (state === 'admitted' && typeof body?.admissionToken === 'string') return this.#admitted(w, body.admissionToken, body.admissionExpiresAt, endMono);
      // 404 unknown_ticket or 410 ticket_stale: this ticket will never move.
      if (status === 404 || status === 410) return this.#giveUp(w, code ?? `http_${status}`, endMono);
      const wait = state === 'waiting' && pollMs !== undefined && pollMs > 0 ? Math.min(pollBounds.max, Math.max(pollBounds.min, pollMs)) : retryPollMs;
      this.#later(w, Math.min(endMono + wait, w.deadline));
    });
  }

  /** Polls again at `atMono` (or gives up there, at the deadline); a timer may fire a fraction early, so it waits out the rest. */
  #later(w: Waiting, atMono: number): void {
    const wake = () => {
      w.timer = setTimeout(() => {
        w.timer = undefined;
        if (performance.now() < atMono) wake();
        else if (atMono >= w.deadline) this.#giveUp(w, 'patience', w.deadline);
        else this.#poll(w);
      }, Math.max(0, Math.ceil(atMono - performance.now())));
    };
    wake();
  }

  #admitted(w: Waiting, token: string, expiresAt: unknown, endMono: number): void {
    this.#waiting.delete(w);
    const own: Admission = { token, ticket: w.ticket, use: 'admitted', buyer: w.buyer, productId: w.buyer.productId };
    if (this.#left.forged > 0) {
      this.#left.forged--;
      this.#probe('forged', spoilToken(token), w.ticket, w.buyer.productId, w.buyer, endMono);
    }
    if (this.#left.other_product > 0) {
      this.#left.other_product--;
      const other = this.opts.products.find((p) => p !== w.buyer.productId)!;
      this.#probe('other_product', token, w.ticket, other, w.buyer, endMono);
    }
    const expiry = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    if (this.#left.expired > 0 && !Number.isNaN(expiry)) {
      // This buyer holds its token until it has expired, then orders with it.
      this.#left.expired--;
      const dueMono = endMono + Math.max(0, expiry - epochMs(endMono)) + expiryMarginMs;
      const timer = setTimeout(() => {
        this.#held.delete(timer);
        this.host.order(w.n, w.attempt + 1, dueMono, { ...own, use: 'expired' });
      }, Math.ceil(dueMono - performance.now()) + 1);
      this.#held.add(timer);
      return;
    }
    this.host.order(w.n, w.attempt + 1, endMono, own);
  }

  /** A spoiled token sent by a buyer of the load's own, who orders nothing else. */
  #probe(use: Exclude<TokenUse, 'admitted'>, token: string, ticket: string, productId: string, from: Buyer, dueMono: number): void {
    this.#probes++;
    const buyer: Buyer = { userId: `${from.userId}-${use}`, productId, key: `${from.key}-${use}` };
    this.host.begin();
    this.host.order(-this.#probes, 1, dueMono, { token, ticket, use, buyer, productId });
  }

  #giveUp(w: Waiting, why: string, atMono: number): void {
    this.#line({ step: 'gave_up', ts: epochMs(atMono), userId: w.buyer.userId, productId: w.buyer.productId, key: w.buyer.key, ticket: w.ticket, ...(Number.isNaN(w.number) ? {} : { number: w.number }), error: why });
    this.#end(w);
  }

  #end(w: Waiting): void {
    if (w.timer) clearTimeout(w.timer);
    if (this.#waiting.delete(w)) this.host.finish();
  }

  /** On abort: every buyer waiting between polls gives up ('stopped'); a held token is never sent. */
  #stopAll(): void {
    const now = performance.now();
    for (const w of [...this.#waiting]) if (w.timer) this.#giveUp(w, 'stopped', now);
    for (const t of this.#held) {
      clearTimeout(t);
      this.host.finish();
    }
    this.#held.clear();
  }
}
