/**
 * The waiting room's HTTP contract: the ticket handed out with the 302, GET /queue/:ticket, the
 * admission token POST /order accepts, and the admin routes of the queue. The harness codes
 * against these shapes; a change here is announced in this comment.
 *
 * The flow:
 * 1. POST /order is shed (the rate limiter has no token, or tickets are already waiting: a newcomer
 *    joins the back of a queue that is not empty). The answer is 302, `Location:
 *    /waiting-room?productId=…&userId=…&ticket=…[&idempotencyKey=…]`, header `Queue-Ticket: <ticket>`,
 *    and the body `QueuedResponse`. A user shed again for the same sale gets the same ticket back.
 * 2. The buyer polls `GET /queue/<ticket>` (the ticket is opaque and URL-safe) at `pollMs` (also sent
 *    as `Retry-After`, in whole seconds, while waiting). The answer is `QueueStatus`.
 * 3. Once `state` is `admitted`, the buyer sends POST /order (same body) with the header
 *    `Admission-Token: <admissionToken>`. The token skips the limiter and the queue, once; it does not
 *    skip the per-user limit or the stock check. A retry with the same Idempotency-Key may present the
 *    same token again; any other second use is `token_replayed`.
 * 4. When the stock is gone every ticket's state is `sold_out`: stop polling.
 *
 * Refusals (codes in errorCodes, body ErrorBody with `field: 'admission-token'` for the token ones):
 * POST /order with a token: 403 `token_forged` (bad signature or shape), 403 `token_expired` (past
 * `exp`, or the sale was re-armed since), 409 `token_replayed` (used before), 403
 * `token_other_product` (made for another productId); then as without a token: 409 `sold_out` /
 * `already_ordered`. GET /queue/:ticket: 404 `unknown_ticket` (not one this server signed), 410
 * `ticket_stale` (handed out before the sale was re-armed), 503 `unavailable` while Redis does not
 * hold the sale (restarted empty: the queue is refused until re-armed or reseeded, like the sale).
 *
 * Admin (Authorization: Bearer <ADMIN_TOKEN>, answers QueueAdminState):
 * GET /admin/sales/:productId/queue · POST /admin/sales/:productId/queue/pause ·
 * POST /admin/sales/:productId/queue/resume · POST /admin/sales/:productId/queue/rate {ratePerSec}.
 * POST /admin/sales {productId, stock, admissionRatePerSec?} starts a fresh, empty queue.
 */

/** Header of the 302 (and of QueuedResponse.ticket): the buyer's ticket. */
export const queueTicketHeader = 'queue-ticket';
/** Header of POST /order carrying the admission token. */
export const admissionTokenHeader = 'admission-token';

/** Body of the 302 that sends a shed buyer to the waiting room. */
export interface QueuedResponse {
  status: 'queued';
  productId: string;
  /** Opaque, signed, URL-safe; poll GET /queue/<ticket>. */
  ticket: string;
  /** The ticket's place in the order tickets were handed out (1, 2, 3, …; per sale). */
  number: number;
  /** The waiting-room page for this ticket (the same URL as Location). */
  waitingRoomUrl: string;
}

export type QueueState = 'waiting' | 'admitted' | 'sold_out';

/** Body of GET /queue/:ticket. */
export interface QueueStatus {
  state: QueueState;
  productId: string;
  ticket: string;
  /** As in QueuedResponse.number. */
  number: number;
  /** Place in line while waiting (1 = next in); 0 once admitted or sold out. */
  position: number;
  /** Tickets before this one not yet admitted; 0 once admitted or sold out. */
  ahead: number;
  /** The serving counter: tickets numbered up to it have been admitted. */
  serving: number;
  /** Tickets handed out so far; issued − serving are waiting. */
  issued: number;
  /** Admissions per second. */
  ratePerSec: number;
  /** Admission paused by the admin: the serving counter stands still and the ETA is null. */
  paused: boolean;
  /** Estimated ms until admission: (number − serving counter) / rate while waiting; 0 when admitted; null when paused or sold out. */
  etaMs: number | null;
  /** etaMs in whole seconds, rounded up; null likewise. */
  etaSeconds: number | null;
  /** Suggested ms until the next poll while waiting (250–1000, a quarter of the ETA); 0 when admitted or sold out. */
  pollMs: number;
  /** Units left. */
  remaining: number;
  /** Present when admitted: send it as the Admission-Token header of POST /order. */
  admissionToken?: string;
  /** When admitted: the token's expiry (ISO 8601); the same token is given on every poll until then. */
  admissionExpiresAt?: string;
}

/**
 * The admission token is a compact JWS (a JWT, HS256, signed with HMAC-SHA-256 on the server's
 * waiting-room secret). Its claims, for reading only: the server alone can make or check one.
 */
export interface AdmissionClaims {
  /** Product. */
  pid: string;
  /** Ticket number. */
  tkt: number;
  /** The sale's queue epoch (a re-armed sale has a new one; an older token is expired). */
  ep: string;
  /** Issued at and expiry, seconds since the epoch (JWT NumericDate). */
  iat: number;
  exp: number;
}

/** Body of POST /admin/sales/:productId/queue/rate. */
export interface QueueRateRequest {
  ratePerSec: number;
}

/**
 * Body of GET /admin/sales/:productId/queue and the answer of POST
 * /admin/sales/:productId/queue/{pause,resume,rate}.
 */
export interface QueueAdminState {
  productId: string;
  issued: number;
  serving: number;
  /** issued − serving. */
  waiting: number;
  ratePerSec: number;
  paused: boolean;
  remaining: number;
}
