/** Body of POST /order. */
export interface OrderRequest {
  userId: string;
  productId: string;
}

export type OrderResponse = { status: 'accepted'; orderId: string };

/** Stable error codes of the API; a driver's message never reaches a client. */
export const errorCodes = {
  sold_out: 409,
  already_ordered: 409,
  /**
   * Redis or Kafka did not answer in time. Without an orderId in the body nothing is held; with one,
   * Kafka's ack was late and the order may yet be placed (the unit goes back only if the send fails
   * for good): retry with the same Idempotency-Key to learn the outcome.
   */
  unavailable: 503,
  unknown_product: 404,
  invalid_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  /** A reseed while orders are still on their way to PostgreSQL (the worker has not stored them): retry once it has. */
  orders_in_flight: 409,
  not_found: 404,
  /** The path exists, but not for this method; `Allow` lists the methods it takes. */
  method_not_allowed: 405,
  /** Admission-Token: not made by this server (bad signature or shape). */
  token_forged: 403,
  /** Admission-Token: past its expiry, or from before the sale was re-armed. */
  token_expired: 403,
  /** Admission-Token: already used (a retry with the first use's Idempotency-Key is not a replay). */
  token_replayed: 409,
  /** Admission-Token: made for another product than the body's productId. */
  token_other_product: 403,
  /** GET /queue/:ticket: not a ticket this server handed out. */
  unknown_ticket: 404,
  /** GET /queue/:ticket: handed out before the sale was re-armed; order again for a new ticket. */
  ticket_stale: 410,
} as const;
export type ErrorCode = keyof typeof errorCodes;

export interface ErrorBody {
  error: ErrorCode;
  /** For invalid_request: the offending field; for the token_* codes: `admission-token`. */
  field?: string;
  /** For unavailable after a late Kafka ack: the order that may yet be placed. */
  orderId?: string;
  message?: string;
}

export type OrderStatus = { status: 'pending' | 'confirmed' | 'rejected'; reason?: string };

/** Header carrying the client's idempotency key. */
export const idempotencyHeader = 'idempotency-key';

/** Body of GET /products/:productId, and the answer of the admin sale routes. */
export interface ProductStock {
  productId: string;
  remaining: number;
}

/** Body of POST /admin/sales: arms (or re-arms) a sale with this many units. */
export interface ArmSaleRequest {
  productId: string;
  stock: number;
  /** The waiting room's admissions per second (WAITING_ROOM_RATE_PER_SEC, else the limiter's rate, by default). */
  admissionRatePerSec?: number;
}
