/**
 * The files of one run folder, runs/<experiment>/<timestamp>/. The experiment runner writes them;
 * reports read only these. Times are epoch milliseconds unless a name says otherwise.
 *
 *   experiment.json   the resolved experiment definition (object; `name`, `description` at least)
 *   manifest.json     Manifest
 *   history.ndjson    one HistoryEntry per HTTP request made by the load
 *   faults.json       FaultRecord[] (the fault timeline)
 *   samples.ndjson    one Sample per sampling tick (about every 500 ms)
 *   k6-summary.json   k6's own end-of-test summary (handleSummary JSON)
 *   final-state.json  FinalState, read straight from Redis, PostgreSQL and Kafka after heal and drain
 *   results.json      Results
 *   logs/<process>.log  the log of every process
 *   report.html       written by reports
 */
export const runFileNames = {
  experiment: 'experiment.json',
  manifest: 'manifest.json',
  history: 'history.ndjson',
  faults: 'faults.json',
  samples: 'samples.ndjson',
  k6Summary: 'k6-summary.json',
  finalState: 'final-state.json',
  results: 'results.json',
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
}

/** ok: the outcome is known and succeeded; fail: known and refused; unknown: timeout/reset, may or may not have happened. */
export type Outcome = 'ok' | 'fail' | 'unknown';

export interface HistoryEntry {
  /** When the request was sent. */
  ts: number;
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

export interface FinalProduct {
  productId: string;
  initialStock: number;
  /** null when the key is missing in Redis. */
  redisStock: number | null;
  dbStock: number;
  dbConfirmed: number;
  dbRejected: number;
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
  /** Consumer lag when the drain ended. */
  kafkaLag: number;
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
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errorRate: number;
  drainSeconds: number | null;
  /** Seconds from each fault's heal until throughput/lag recovered. */
  recovery: { fault: string; seconds: number | null }[];
}

export interface Results {
  verdict: Verdict;
  checks: CheckResult[];
  figures: KeyFigures;
  /** Run-level error (crash, stack could not start), if any. */
  error?: string;
}
