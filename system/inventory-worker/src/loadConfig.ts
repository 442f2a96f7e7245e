import { z } from 'zod';

const integer = (min: number) => z.coerce.number().int().min(min);
const flag = z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true');

/** Every environment variable of the worker, with its default. The README lists the same table. */
const envSchema = z.object({
  KAFKA_BROKERS: z
    .string({ error: 'is required (comma-separated host:port list)' })
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')).min(1, 'names no broker')),
  DATABASE_URL: z.string({ error: 'is required (postgres://user@host:port/db)' }).regex(/^postgres(ql)?:\/\//, 'must start with postgres://'),
  KAFKA_CLIENT_ID: z.string().min(1).default('inventory-worker'),
  KAFKA_GROUP_ID: z.string().min(1).default('inventory-worker'),
  ORDERS_PARTITIONS: integer(1).default(4),
  BATCH_MAX: integer(1).max(50_000).default(5000),
  PARTITIONS_CONSUMED_CONCURRENTLY: integer(1).default(4),
  // The worker reads the next batch only once every partition of the last one is handled: with a
  // backlog, fewer and larger fetches leave fewer such pauses.
  FETCH_MAX_BYTES: integer(1024).default(32 * 1024 * 1024),
  FETCH_MAX_BYTES_PER_PARTITION: integer(1024).default(8 * 1024 * 1024),
  FETCH_MIN_BYTES: integer(1).default(1),
  FETCH_MAX_WAIT_MS: integer(0).default(100),
  KAFKA_SESSION_TIMEOUT_MS: integer(6000).default(10_000),
  PG_QUERY_TIMEOUT_MS: integer(100).default(10_000),
  STATS_INTERVAL_MS: integer(100).default(5000),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: integer(0).max(65_535).default(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  FLUXGATE_BROKEN_NON_IDEMPOTENT_WORKER: flag.default(false),
  FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT: flag.default(false),
});

/** The worker's deliberately broken modes: refused when NODE_ENV=production. */
const brokenVariables = ['FLUXGATE_BROKEN_NON_IDEMPOTENT_WORKER', 'FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT'] as const;

export interface WorkerConfig {
  kafkaBrokers: string[];
  databaseUrl: string;
  kafkaClientId: string;
  groupId: string;
  /** Partitions of the `orders` topic when the worker has to create it. */
  ordersPartitions: number;
  /** Most orders written in one PostgreSQL transaction. */
  batchMax: number;
  partitionsConsumedConcurrently: number;
  fetchMaxBytes: number;
  fetchMaxBytesPerPartition: number;
  fetchMinBytes: number;
  fetchMaxWaitMs: number;
  sessionTimeoutMs: number;
  pgQueryTimeoutMs: number;
  statsIntervalMs: number;
  /** Where GET /metrics listens (port 0: any free port). */
  metricsHost: string;
  metricsPort: number;
  logLevel: string;
  /** The deliberately broken modes for the harness self-test; never allowed in production. */
  brokenNonIdempotent: boolean;
  /** Commits a chunk's Kafka offset before its PostgreSQL transaction: a kill in between loses the chunk. */
  brokenOffsetBeforeCommit: boolean;
}

/**
 * Parses the worker's environment once. Throws an Error naming every bad variable; the broken mode
 * is refused when NODE_ENV=production.
 */
export function loadConfig(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`);
    throw new Error(`inventory-worker: bad configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const refused = e.NODE_ENV === 'production' ? brokenVariables.filter((name) => e[name]) : [];
  if (refused.length) throw new Error(`inventory-worker: bad configuration: ${refused.map((name) => `${name} is refused when NODE_ENV=production`).join('; ')}`);
  return {
    kafkaBrokers: e.KAFKA_BROKERS,
    databaseUrl: e.DATABASE_URL,
    kafkaClientId: e.KAFKA_CLIENT_ID,
    groupId: e.KAFKA_GROUP_ID,
    ordersPartitions: e.ORDERS_PARTITIONS,
    batchMax: e.BATCH_MAX,
    partitionsConsumedConcurrently: e.PARTITIONS_CONSUMED_CONCURRENTLY,
    fetchMaxBytes: e.FETCH_MAX_BYTES,
    fetchMaxBytesPerPartition: e.FETCH_MAX_BYTES_PER_PARTITION,
    fetchMinBytes: e.FETCH_MIN_BYTES,
    fetchMaxWaitMs: e.FETCH_MAX_WAIT_MS,
    sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
    pgQueryTimeoutMs: e.PG_QUERY_TIMEOUT_MS,
    statsIntervalMs: e.STATS_INTERVAL_MS,
    metricsHost: e.METRICS_HOST,
    metricsPort: e.METRICS_PORT,
    logLevel: e.LOG_LEVEL,
    brokenNonIdempotent: e.FLUXGATE_BROKEN_NON_IDEMPOTENT_WORKER,
    brokenOffsetBeforeCommit: e.FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT,
  };
}
