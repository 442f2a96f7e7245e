import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError } from './ConfigError.ts';

const int = (min: number) => {
  const error = `expected an integer >= ${min}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error });
};
const flag = z.enum(['0', '1', 'false', 'true'], { error: 'expected 1 or 0' }).transform((v) => v === '1' || v === 'true');

/** Variables whose value may hold a password: never echoed in an error. */
const secrets = new Set(['ADMIN_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'WAITING_ROOM_SECRET']);

/** Every environment variable the API reads, with its default. The README lists the same. */
const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: int(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected redis://host:port' }).default('redis://127.0.0.1:6379'),
  REDIS_SENTINELS: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1))
    .optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default('flux-gate'),
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1))
    .optional(),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1)),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected postgres://user@host:port/database' }).default('postgres://flux@127.0.0.1:5432/fluxgate'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  RATE_LIMIT_PER_SEC: int(1).default(20_000),
  RATE_LIMIT_BURST: int(1).default(2_000),
  PER_USER_LIMIT: int(1).default(1),
  REDIS_TIMEOUT_MS: int(1).default(250),
  REDIS_WAIT_REPLICAS: int(0).optional(),
  REDIS_WAIT_MS: int(1).default(100),
  REDIS_FENCING: flag.optional(),
  KAFKA_TIMEOUT_MS: int(1).default(2_000),
  KAFKA_LINGER_MS: int(0).default(0),
  KAFKA_MAX_BATCH: int(1).default(1_000),
  KAFKA_PARTITIONS: int(1).default(4),
  KAFKA_PRODUCERS: int(1).default(2),
  KAFKA_WARMUP_SENDS: int(0).max(10_000).default(200),
  ORDER_LEASE_MS: int(1).optional(),
  ORDER_SWEEP_MS: int(0).default(1_000),
  DATABASE_TIMEOUT_MS: int(1).default(2_000),
  IDEMPOTENCY_TTL_SEC: int(1).default(86_400),
  BODY_LIMIT_BYTES: int(64).default(1_024),
  WAITING_ROOM_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  WAITING_ROOM_RATE_PER_SEC: int(1).optional(),
  WAITING_ROOM_TOKEN_TTL_SEC: int(1).default(60),
  INSTANCE_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  FLUXGATE_BROKEN_NON_ATOMIC_STOCK: flag.default(false),
  FLUXGATE_BROKEN_ACK_BEFORE_KAFKA: flag.default(false),
  FLUXGATE_BROKEN_RANDOM_ADMISSION: flag.default(false),
  FLUXGATE_BROKEN_NO_PER_USER_LIMIT: flag.default(false),
  FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY: flag.default(false),
  FLUXGATE_BROKEN_DOUBLE_GIVE_BACK: flag.default(false),
  FLUXGATE_BROKEN_NO_GIVE_BACK: flag.default(false),
  FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT: flag.default(false),
  FLUXGATE_BROKEN_NO_FENCING: flag.default(false),
  FLUXGATE_BROKEN_LEADER_ONLY_ACKS: flag.default(false),
  FLUXGATE_BROKEN_CROSS_SLOT_TAKE: flag.default(false),
  WORKER_GROUP_ID: z.string().min(1).default('inventory-worker'),
});

/** The API's deliberately broken modes, each by its variable: never allowed in production. */
const brokenVariables = {
  nonAtomicStock: 'FLUXGATE_BROKEN_NON_ATOMIC_STOCK',
  ackBeforeKafka: 'FLUXGATE_BROKEN_ACK_BEFORE_KAFKA',
  noPerUserLimit: 'FLUXGATE_BROKEN_NO_PER_USER_LIMIT',
  ignoreIdempotencyKey: 'FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY',
  doubleGiveBack: 'FLUXGATE_BROKEN_DOUBLE_GIVE_BACK',
  noGiveBack: 'FLUXGATE_BROKEN_NO_GIVE_BACK',
  reseedIgnoresInFlight: 'FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT',
  randomAdmission: 'FLUXGATE_BROKEN_RANDOM_ADMISSION',
  noFencing: 'FLUXGATE_BROKEN_NO_FENCING',
  leaderOnlyAcks: 'FLUXGATE_BROKEN_LEADER_ONLY_ACKS',
  crossSlotTake: 'FLUXGATE_BROKEN_CROSS_SLOT_TAKE',
} as const;
export type BrokenModes = Record<keyof typeof brokenVariables, boolean>;

export interface Config {
  production: boolean;
  port: number;
  host: string;
  redisUrl: string;
  /** Set from REDIS_SENTINELS: the primary is the one these Sentinels name `name`, and REDIS_URL is not used. */
  redisSentinels?: { sentinels: { host: string; port: number }[]; name: string };
  /**
   * Set from REDIS_CLUSTER_NODES: Redis is a Redis Cluster, found from these nodes (any of them will
   * do; the client learns the rest), and REDIS_URL is not used.
   */
  redisCluster?: { host: string; port: number }[];
  kafkaBrokers: string[];
  databaseUrl: string;
  adminToken: string;
  /** True when ADMIN_TOKEN was absent and a random token was made for this process. */
  adminTokenGenerated: boolean;
  rateLimit: { perSec: number; burst: number };
  perUserLimit: number;
  timeouts: { redisMs: number; kafkaMs: number; databaseMs: number };
  /**
   * What makes a take survive a Redis failover: waitReplicas replicas must hold it (WAIT, at most
   * waitMs) before it is sent to Kafka and answered, else its unit goes back and the buyer gets 503;
   * with fencing, a sale armed on another primary refuses takes until it is rebuilt from PostgreSQL.
   * Both on with REDIS_SENTINELS or REDIS_CLUSTER_NODES (1 replica of the shard's primary, fencing),
   * off on a single Redis.
   */
  redisDurability: { waitReplicas: number; waitMs: number; fencing: boolean };
  /**
   * producers = idempotent producers, one send in flight on each, i.e. Kafka sends in flight at once;
   * warmupSends = sends each producer makes to the warm-up topic in the background after start (see OrderProducer.warmUp):
   * a sale's first Kafka sends then took p50 6 ms against 17 ms cold (docs/decisions.md).
   */
  kafka: { lingerMs: number; maxBatch: number; partitions: number; producers: number; warmupSends: number };
  /**
   * leaseMs: age after which an unsettled in-flight order may be taken over; sweepMs: pause between
   * two sweeps for such orders (0 = no sweeper).
   */
  takeover: { leaseMs: number; sweepMs: number };
  idempotencyTtlSec: number;
  /**
   * secret: signs tickets and admission tokens (the same on every instance; derived from the admin
   * token unless WAITING_ROOM_SECRET is set); ratePerSec: admissions per second of a freshly armed
   * sale; tokenTtlMs: how long an admission token stays good after its ticket was admitted.
   */
  waitingRoom: { secret: string; ratePerSec: number; tokenTtlMs: number };
  bodyLimitBytes: number;
  /** The inventory worker's consumer group: a reseed waits until it has stored every order in Kafka. */
  workerGroupId: string;
  instanceId: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** Deliberately broken modes for the harness self-test; never allowed in production. */
  broken: BrokenModes;
}

/**
 * Parses the environment once into a typed config. Throws a ConfigError naming every bad variable.
 * Empty strings count as unset.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return secrets.has(name) ? `${name}: ${issue.message}` : `${name}: ${issue.message} (got ${JSON.stringify(present[name])})`;
      }),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && !e.ADMIN_TOKEN) problems.push('ADMIN_TOKEN: required when NODE_ENV=production');
  for (const name of Object.values(brokenVariables)) {
    if (production && e[name]) problems.push(`${name}: a deliberately broken mode is refused when NODE_ENV=production`);
  }
  if (e.REDIS_WAIT_MS >= e.REDIS_TIMEOUT_MS) problems.push(`REDIS_WAIT_MS: must be below REDIS_TIMEOUT_MS (${e.REDIS_TIMEOUT_MS}), since a WAIT holds back the takes behind it (got ${e.REDIS_WAIT_MS})`);
  if (e.REDIS_SENTINELS && e.REDIS_CLUSTER_NODES) problems.push('REDIS_CLUSTER_NODES: set either REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both');
  if (problems.length) throw new ConfigError(problems);
  const replicated = e.REDIS_SENTINELS !== undefined || e.REDIS_CLUSTER_NODES !== undefined;
  const hostPort = (address: string) => ({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) });
  const adminToken = e.ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    ...(e.REDIS_SENTINELS
      ? { redisSentinels: { sentinels: e.REDIS_SENTINELS.map(hostPort), name: e.REDIS_SENTINEL_NAME } }
      : {}),
    ...(e.REDIS_CLUSTER_NODES ? { redisCluster: e.REDIS_CLUSTER_NODES.map(hostPort) } : {}),
    kafkaBrokers: e.KAFKA_BROKERS,
    databaseUrl: e.DATABASE_URL,
    adminToken,
    adminTokenGenerated: !e.ADMIN_TOKEN,
    rateLimit: { perSec: e.RATE_LIMIT_PER_SEC, burst: e.RATE_LIMIT_BURST },
    perUserLimit: e.PER_USER_LIMIT,
    timeouts: { redisMs: e.REDIS_TIMEOUT_MS, kafkaMs: e.KAFKA_TIMEOUT_MS, databaseMs: e.DATABASE_TIMEOUT_MS },
    redisDurability: e.FLUXGATE_BROKEN_NO_FENCING
      ? { waitReplicas: 0, waitMs: e.REDIS_WAIT_MS, fencing: false }
      : { waitReplicas: e.REDIS_WAIT_REPLICAS ?? (replicated ? 1 : 0), waitMs: e.REDIS_WAIT_MS, fencing: e.REDIS_FENCING ?? replicated },
    kafka: { lingerMs: e.KAFKA_LINGER_MS, maxBatch: e.KAFKA_MAX_BATCH, partitions: e.KAFKA_PARTITIONS, producers: e.KAFKA_PRODUCERS, warmupSends: e.KAFKA_WARMUP_SENDS },
    takeover: { leaseMs: e.ORDER_LEASE_MS ?? 4 * e.KAFKA_TIMEOUT_MS + 2_000, sweepMs: e.ORDER_SWEEP_MS },
    idempotencyTtlSec: e.IDEMPOTENCY_TTL_SEC,
    waitingRoom: {
      secret: e.WAITING_ROOM_SECRET ?? `admin token: ${adminToken}`,
      ratePerSec: e.WAITING_ROOM_RATE_PER_SEC ?? e.RATE_LIMIT_PER_SEC,
      tokenTtlMs: e.WAITING_ROOM_TOKEN_TTL_SEC * 1000,
    },
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    workerGroupId: e.WORKER_GROUP_ID,
    instanceId: e.INSTANCE_ID,
    logLevel: e.LOG_LEVEL,
    broken: Object.fromEntries(Object.entries(brokenVariables).map(([mode, name]) => [mode, e[name]])) as BrokenModes,
  };
}
