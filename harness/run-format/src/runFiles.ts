/**
 * The files of one run folder, runs/<experiment>/<timestamp>/. The experiment runner writes them;
 * reports read only these. Times are epoch milliseconds unless a name says otherwise.
 *
 *   experiment.json   the resolved experiment definition (object; `name`, `description` at least)
 *   manifest.json     Manifest
 *   history.ndjson    one HistoryEntry per HTTP request made by the load, and one per arrival dropped at the in-flight cap
 *   records.ndjson    one RecordEntry per order event the Kafka-side load produced straight into the orders topic
 *   queue.ndjson      one QueueEntry per step a buyer took in the waiting room (load with waitingRoom "follow")
 *   load.json         LoadSummary: what the load engine did (arrivals offered, started, dropped, retries, its CPU)
 *   faults.json       FaultRecord[] (the fault timeline)
 *   samples.ndjson    one Sample per sampling tick (about every 500 ms)
 *   metrics.ndjson    one MetricsScrape per scrape of a service's GET /metrics (every 500 ms; every second in older runs)
 *   roles.ndjson      one RoleChange per change of a node's run-time roles (replicated topology)
 *   final-state.json  FinalState, read straight from Redis, PostgreSQL and Kafka after heal and drain
 *   after-heal.json   AfterHealObservation: the steady-state probe after the heal and the drain
 *   guards.json       GuardLog: the abort guards and what they were evaluated on (experiments with guards)
 *   results.json      Results
 *   junit.xml         one test case per checker, for CI tools
 *   summary.md        verdict, key figures and checkers in Markdown, for CI tools
 *   logs/<process>.log  the log of every process
 *   report.html       written by reports
 */
import type { TimingFigures } from './RequestTiming.ts';

export const runFileNames = {
  experiment: 'experiment.json',
  manifest: 'manifest.json',
  history: 'history.ndjson',
  faults: 'faults.json',
  records: 'records.ndjson',
  queue: 'queue.ndjson',
  load: 'load.json',
  samples: 'samples.ndjson',
  metrics: 'metrics.ndjson',
  roles: 'roles.ndjson',
  finalState: 'final-state.json',
  afterHeal: 'after-heal.json',
  guards: 'guards.json',
  results: 'results.json',
  junit: 'junit.xml',
  summary: 'summary.md',
  logs: 'logs',
  report: 'report.html',
} as const;

export interface Manifest {
  runId: string;
  experiment: string;
  seed: number;
  startedAt: number;
  finishedAt?: number;
  gitSha: string;
  gitDirty: boolean;
  commandLine: string[];
  toolVersions: Record<string, string>;
  host: { platform: string; cpus: number; node: string };
  /** The stack's shape and nodes as started (absent in runs stored before it was recorded, or when the stack did not start). */
  topology?: RunTopology;
}

/** The stack a run ran on: its shape and every node with the roles it started with and its address. */
export interface RunTopology {
  shape: string;
  nodes: { name: string; part: string; roles: string[]; address: string }[];
}

/**
 * One change of a node's run-time roles (roles.ndjson): `kafka-leader` (of the orders topic's
 * partition 0), `kafka-follower`, `kafka-controller` (the active KRaft controller), `redis-primary`,
 * `redis-replica`. The first sample writes every node; roles [] when it holds none; `down` when it
 * did not answer.
 */
export interface RoleChange {
  at: number;
  node: string;
  roles: string[];
  down?: boolean;
}

/**
 * ok: the outcome is known and succeeded; fail: known and refused; unknown: timeout/reset, may or may
 * not have happened; dropped: the arrival was due but never sent, because the in-flight cap was full.
 */
export type Outcome = 'ok' | 'fail' | 'unknown' | 'dropped';

export interface HistoryEntry {
  /** When the request was sent (for a dropped arrival: when it was due). */
  ts: number;
  /** When the arrival (or this retry) was due by the load's schedule. */
  intendedTs?: number;
  /** When the request was handed to the socket; absent for a dropped arrival. */
  sentTs?: number;
  /** From intendedTs (or ts, in histories without it) to the end of the answer. */
  latencyMs: number;
  userId: string;
  productId: string;
  /** Idempotency-Key sent. */
  key: string;
  /** HTTP status; 0 when no answer came (timeout, reset). */
  status: number;
  outcome: Outcome;
  orderId?: string;
  /** Error code from the body, or the transport error ('timeout', 'reset', …). */
  error?: string;
  /** 1 for the first try, 2+ for retries with the same key. */
  attempt: number;
  /** The API instance's base URL the request went to. */
  api?: string;
  /** POST /order with an admission token (load following the waiting room): which token it carried. */
  token?: TokenUse;
  /** The waiting-room ticket the token came from. */
  ticket?: string;
}

/**
 * The admission token an order carried: the one its own ticket was given (`admitted`), or one the
 * load spoiled on purpose: its signature altered (`forged`), past its expiry (`expired`), already
 * used by its own buyer (`replayed`), or issued for another product (`other_product`).
 */
export const tokenUses = ['admitted', 'forged', 'expired', 'replayed', 'other_product'] as const;
export type TokenUse = (typeof tokenUses)[number];

/** What GET /queue/:ticket said of a ticket. */
export type QueueState = 'waiting' | 'admitted' | 'sold_out';

/**
 * One step of a buyer in the waiting room (queue.ndjson):
 * - `ticket`: a 302 handed the buyer a ticket (ts: when its answer came);
 * - `poll`: one GET /queue/:ticket (ts: sent, endTs: answered or failed), with what it said;
 * - `gave_up`: the buyer stopped waiting, its patience over or the load stopping (ts: then).
 * The order placed with the admission token is a line of history.ndjson (HistoryEntry with `token`).
 */
export interface QueueEntry {
  step: 'ticket' | 'poll' | 'gave_up';
  ts: number;
  /** poll: when its answer ended, or the request failed. */
  endTs?: number;
  userId: string;
  productId: string;
  /** The arrival's Idempotency-Key, as on its history lines. */
  key: string;
  ticket: string;
  /** The ticket's fixed place in the order tickets were handed out (1, 2, 3, …; per sale). */
  number?: number;
  /** poll: the HTTP status; 0 when no answer came. */
  status?: number;
  state?: QueueState;
  /** poll, while waiting: place in line (1 = next in). */
  position?: number;
  /** poll, while waiting: tickets before this one not yet admitted. */
  ahead?: number;
  /** poll: the serving counter (tickets numbered up to it are admitted) and the tickets handed out so far. */
  serving?: number;
  issued?: number;
  /** poll, while waiting: the estimated wait until admission the API showed; absent when it showed none (paused). */
  etaMs?: number;
  /** poll: the wait before the next poll the API suggested. */
  pollMs?: number;
  /** poll: the body's error code or the transport error; gave_up: 'patience' or 'stopped'. */
  error?: string;
}

/** One order event the Kafka-side load produced into the orders topic, with its ack or its error. */
export interface RecordEntry {
  /** When the record was handed to the producer. */
  ts: number;
  intendedTs: number;
  /** From intendedTs to the broker's ack (acks=all) or the error. */
  latencyMs: number;
  /** ok: acked; fail: the broker refused it; unknown: no answer in time; dropped: never sent (in-flight cap). */
  outcome: Outcome;
  productId: string;
  /** The record's order id and user, when the value carries them. */
  orderId?: string;
  userId?: string;
  /** Set on a deliberately bad record: which kind of poison it is (the worker must set it aside). */
  poison?: PoisonKind;
  partition?: number;
  offset?: string;
  error?: string;
}

/** The kinds of bad record the Kafka-side load can mix in. */
export const poisonKinds = ['malformed_json', 'missing_field', 'unknown_product', 'duplicate_order_id', 'oversized_value'] as const;
export type PoisonKind = (typeof poisonKinds)[number];

/** What the load engine reports when it ends (load.json). */
export interface LoadSummary {
  engine: string;
  workload: 'http' | 'kafka';
  /** Arrivals the schedule made due. */
  offered: number;
  /** Arrivals that were sent. */
  started: number;
  /** Arrivals not sent because the in-flight cap was full. */
  dropped: number;
  /** Retries sent, counted apart from arrivals. */
  retries: number;
  /** The engine process's own CPU time, user plus system. */
  cpuMs: number;
  /** From the first arrival due to the last answer. */
  wallMs: number;
  /** The engine stopped early (abort or Ctrl-C). */
  aborted: boolean;
  /** The built-in engine's processes, each with its segment of the schedule, when more than one; the counts above are their sums. */
  processes?: number;
  /** The browsing before the sale opened, when the experiment declared one (load.presale). */
  presale?: PresaleSummary;
}

/** What the pre-sale phase did: browsing GETs (product pages, the waiting-room page), then every connection opened. */
export interface PresaleSummary {
  startedAt: number;
  endedAt: number;
  /** GETs sent, the connection-opening ones included. */
  requests: number;
  /** Of those, answered with a transport error or a status outside 2xx/3xx. */
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Connections the engine had open when the first arrival of the sale came due (one answered GET /health each). */
  connectionsOpened: number;
}

export interface FaultRecord {
  id: string;
  /** e.g. 'kill', 'pause', 'latency', 'timeout', 'down', 'bandwidth', 'reset_peer', 'slicer', 'redis-restart'. */
  kind: string;
  /** Process name or link name. */
  target: string;
  /** Human label: "kill worker", "latency 200ms±50 on api-redis". */
  label: string;
  injectedAt: number;
  healedAt?: number;
  /** Set when inject or heal failed. */
  error?: string;
  /** The node names the fault's targets resolved to at inject (a role such as kafka-leader names the node that held it then). */
  nodes?: string[];
  /** A partition (isolate, split, bridge): the sides that could not reach each other; a bridge node is on none. */
  groups?: string[][];
}

export interface Sample {
  ts: number;
  /** Units left in Redis, summed over products; null when Redis did not answer. */
  redisStock: number | null;
  /** Confirmed orders in PostgreSQL; null when it did not answer. */
  pgConfirmed: number | null;
  pgRejected: number | null;
  /** Consumer lag of the worker's group on the orders topic; null when unknown. */
  kafkaLag: number | null;
}

/** A Prometheus histogram series as scraped: cumulative counts per upper bound (`le`, +Inf last). */
export interface ScrapedHistogram {
  name: string;
  labels: Record<string, string>;
  buckets: Array<[le: number, count: number]>;
  count: number;
  sum: number;
}

/** A counter or gauge series as scraped. */
export interface ScrapedValue {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One scrape of one service's GET /metrics (the families the harness keeps), or why it failed. */
export interface MetricsScrape {
  /** When the scrape was sent. */
  ts: number;
  /** When its answer came (absent for a failed scrape, and in runs that predate it): the counts are the service's at about this time. */
  answeredTs?: number;
  /** The process scraped: api-1, worker-1, … */
  target: string;
  histograms: ScrapedHistogram[];
  values: ScrapedValue[];
  error?: string;
}

export interface FinalProduct {
  productId: string;
  initialStock: number;
  /** null when the key is missing in Redis. */
  redisStock: number | null;
  dbStock: number;
  dbConfirmed: number;
  dbRejected: number;
  /**
   * Orders the API took a unit for and has not settled with Kafka yet (its in-flight record in Redis,
   * claimed ones included), read after the drain. Absent in runs stored before it was read, whose
   * drain also waited until there were none.
   */
  pendingOrders?: number;
  /**
   * How many times the API rebuilt the sale in Redis from PostgreSQL after a Redis primary change
   * (its fence: see the `primary` key of redisKeys). Absent in runs stored before it was read.
   */
  redisRebuilds?: number;
}

export interface FinalOrder {
  orderId: string;
  userId: string;
  productId: string;
  status: 'confirmed' | 'rejected';
  reason: string | null;
  kafkaPartition: number | null;
  kafkaOffset: string | null;
}

export interface FinalState {
  readAt: number;
  products: FinalProduct[];
  orders: FinalOrder[];
  /** Messages in the orders topic (sum of end offsets), read from Kafka directly. */
  kafkaMessages: number;
  /** The worker group's consumer lag on the orders topic, read with the rest of the final state. */
  kafkaLag: number;
  /** Records the worker set aside in PostgreSQL's dead_letters table, with why. */
  deadLetters?: { partition: number; offset: string; line: number; reason: string; orderId: string | null }[];
  /** orderId → "partition:offset" of every order event in the topic, read straight from the broker. */
  kafkaOrders?: Record<string, string>;
  drained: boolean;
}

export type Verdict = 'pass' | 'fail' | 'unknown';

export interface Witness {
  orderId?: string;
  userId?: string;
  productId?: string;
  /** HTTP outcome, e.g. "200 accepted". */
  http?: string;
  kafkaOffset?: string;
  dbRow?: string;
  note?: string;
}

export interface CheckResult {
  name: string;
  verdict: Verdict;
  /** One sentence on what was found. */
  summary: string;
  counts: Record<string, number>;
  /**
   * The counts that found something, per product: only the products with a nonzero figure, so a
   * sale of hundreds of products names the ones at fault. Absent when the checker found nothing
   * against any product, or does not judge products one by one.
   */
  byProduct?: Record<string, Record<string, number>>;
  /** At most ten. */
  witnesses: Witness[];
}

export interface KeyFigures {
  requests: number;
  reqPerSec: number;
  accepted: number;
  /** Confirmed in PostgreSQL. */
  sold: number;
  unknown: number;
  /** Arrivals dropped at the in-flight cap (never sent). */
  dropped?: number;
  /** Order events the Kafka-side load produced and the broker acked. */
  recordsAcked?: number;
  /** Kafka lag when the load had ended and every fault was healed: the backlog the worker then drained. */
  backlogAtDrain?: number | null;
  /** That backlog over the drain time: orders the worker stored per second while catching up. */
  drainRatePerSec?: number | null;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Share of arrivals (Idempotency-Keys) whose last attempt had no decisive answer (unknown) or a 5xx: see errorRate(). */
  errorRate: number;
  drainSeconds: number | null;
  /** Seconds from each fault's heal until throughput/lag recovered. */
  recovery: { fault: string; seconds: number | null }[];
  /**
   * The latency from due split into the load engine's lag and the answer time, for the whole run and per time row (ms since the run's start),
   * with the API's own p99 of POST /order over the same stretch when its /metrics were scraped.
   */
  timing?: { whole: TimingFigures & ServerTimingFigures; rows: (TimingFigures & ServerTimingFigures & { fromMs: number; toMs: number })[] };
}

/**
 * The API's own latency of POST /order over a stretch of the run, from the request histograms it serves at
 * GET /metrics (the change between scrapes): what the server measured, without the network or the load engine.
 * Absent in runs without scraped metrics.
 */
export interface ServerTimingFigures {
  /** POST /order requests the API instances finished in the stretch. */
  serverRequests?: number;
  serverP99Ms?: number | null;
}

export interface Results {
  verdict: Verdict;
  checks: CheckResult[];
  figures: KeyFigures;
  /** The arrivals of each fault window and of the calm before, between and after (runs with faults; see WindowCounter). */
  windows?: WindowCounts[];
  /** Run-level error (crash, stack could not start), if any. */
  error?: string;
}

/** What the steady-state probe saw after every fault healed and the worker drained (after-heal.json). */
export interface AfterHealObservation {
  checkedAt: number;
  /** Units Redis holds per product; null when the key is missing. */
  redisStock: Record<string, number | null>;
  /** Each API instance: GET /ready's status and what GET /products/:id answered; `error` when it could not be asked. */
  apis: { url: string; readyStatus: number | null; products: { productId: string; status: number; remaining: number | null }[]; error?: string }[];
  /** Set when Redis itself could not be read. */
  error?: string;
}

/** An abort guard as resolved (durations in milliseconds). */
export type GuardSpec =
  | { kind: 'error_rate'; above: number; for: number; window: number }
  | { kind: 'redis_stock_below'; value: number; for: number }
  | { kind: 'kafka_lag_above'; value: number; for: number };

/** One evaluation of the guards, about every 500 ms of load. */
export interface GuardObservation {
  ts: number;
  round: number;
  /** Requests (or records) answered since the evaluation before, and how many of them were errors (isError). */
  answers: number;
  errors: number;
  /** The newest sample's Redis stock and Kafka lag (null: not read). */
  redisStock: number | null;
  kafkaLag: number | null;
}

/** guards.json: the guards and every evaluation; a guard's trip is derived from these alone. */
export interface GuardLog {
  guards: GuardSpec[];
  /** When each round's load started. */
  rounds: { round: number; loadStartedAt: number }[];
  observations: GuardObservation[];
}

/**
 * What became of the arrivals due in one window of the run. An arrival (one Idempotency-Key) is
 * counted in the window its first attempt was due in; when faults overlap, in each of their windows.
 * arrivals = accepted + refused + open + dropped.
 */
export interface WindowCounts {
  /** `before` the first fault, a `fault`'s own window (inject to heal), `between` two faults, `after` the last heal. */
  kind: 'before' | 'fault' | 'between' | 'after';
  /** The fault's label, or the kind for a calm window. */
  label: string;
  faultId?: string;
  /** Epoch ms; null: from the run's start, or to its end (a fault never healed, or the after window). */
  from: number | null;
  to: number | null;
  arrivals: number;
  /** Answered 200 (on any attempt). */
  accepted: number;
  /** Last attempt refused decisively (302, 4xx, a 503 holding nothing). */
  refused: number;
  /** Last attempt without a decisive answer (timeout, reset, 5xx): the buyer does not know. */
  open: number;
  /** Never sent: the in-flight cap was full. */
  dropped: number;
  /** Accepted, then rejected in PostgreSQL or without a row there after the drain; null when the final state was not read. */
  brokenPromises: number | null;
  acceptedThenRejected: number | null;
  acceptedThenMissing: number | null;
}
