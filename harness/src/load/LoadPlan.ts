/**
 * An engine-neutral plan of open-model load: when arrivals are due, who they are and where they go.
 * Plain data, written to a file for the engine's own process.
 */

/** Arrivals per second ramp linearly from the previous stage's rate (or startRate) to `rate` over the stage. */
export interface Stage {
  rate: number;
  durationMs: number;
}

interface PlanBase {
  startRate: number;
  stages: Stage[];
  /** Distinct buyers; arrival n is buyer n modulo this count, in an order the seed shuffles. */
  users: number;
  products: string[];
  /** Demand weights parallel to `products` (a Zipf law): arrival n's product is drawn by them; absent, products take turns. */
  demand?: number[];
  /** Drives user ids, keys and jitter: the same seed gives the same requests. */
  seed: number;
  /** Round of a multi-round experiment; part of every key. */
  round: number;
  /** Arrivals that may be outstanding at once; an arrival due beyond it is recorded as dropped. */
  maxInFlight: number;
  /** Time the engine waits for one answer (or one Kafka ack). */
  timeoutMs: number;
  /**
   * Processes the built-in engine runs the plan in (1 when absent): process i sends arrivals n with
   * n mod processes = i, with its share of `maxInFlight` and of the connections.
   */
  processes?: number;
}

/** Browsing before the sale opens: GETs of the product pages and the waiting-room page at `rate` per second for `durationMs`. */
export interface PresalePlan {
  rate: number;
  durationMs: number;
  products: string[];
}

/** Buyers pressing "Buy": POST /order to the API instances. */
export interface HttpPlan extends PlanBase {
  workload: 'http';
  apiUrls: string[];
  /** Keep-alive connections per API instance; a request due while all are busy waits for one, and that wait counts in its latency. */
  connections: number;
  /** Retries with the same Idempotency-Key after a 503 or an unknown outcome. */
  retries: number;
  /** Exponential backoff with full jitter: attempt k waits uniform(0, min(maxMs, baseMs·2^(k-1))). */
  backoff: { baseMs: number; maxMs: number };
  /** Present when the experiment declares a pre-sale phase: it runs before the first arrival is due. */
  presale?: PresalePlan;
  /** Present when a buyer answered 302 follows the waiting room: how long it waits, and the spoiled tokens of each kind the load sends. */
  waitingRoom?: { patienceMs: number; spoiledTokens: number };
}

/** Order events produced straight into the orders topic (acks=all), as the API would write them. */
export interface KafkaPlan extends PlanBase {
  workload: 'kafka';
  brokers: string[];
  topic: string;
  /** Every poisonEvery-th record is a bad one, cycling through the poison kinds; 0 for none. */
  poisonEvery: number;
}

export type LoadPlan = HttpPlan | KafkaPlan;
