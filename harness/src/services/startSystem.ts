import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { staticWaitingRoomPage, waitingRoomCsp } from '@flux-gate/ingestion-api';
import { type AnyStartedStack, freePorts, lostPortRace, ManagedProcess, type ProcessHandle, startBalancer, type StartedBalancer } from '@flux-gate/stack';
import { abortableSleep } from '../runner/abortableSleep.ts';
import type { ScrapeTarget } from '../probes/MetricsScraper.ts';
import { apiMain, apiNodeFlags, repo, workerMain } from './serviceEntries.ts';
import { buildApiImage } from './systemImages.ts';

/** The system's deliberately broken modes, for the harness's self-test. */
export const brokenModes = [
  'non-atomic-stock',
  'ack-before-kafka',
  'non-idempotent-worker',
  'no-per-user-limit',
  'ignore-idempotency-key',
  'offset-before-commit',
  'double-give-back',
  'no-give-back',
  'reseed-ignores-in-flight',
  'random-admission',
  'no-fencing',
  'leader-only-acks',
  'cross-slot-take',
] as const;
export type BrokenMode = (typeof brokenModes)[number];

export interface SystemOptions {
  /** Default 1 on the single shape, 2 on the replicated and cluster ones. */
  apiInstances?: number;
  workers?: number;
  rateLimit?: { perSec: number; burst: number };
  perUserLimit?: number;
  ordersPartitions?: number;
  brokenModes?: BrokenMode[];
  redisTimeoutMs?: number;
  kafkaTimeoutMs?: number;
  /** How long an admission token stays good after its ticket was admitted, in ms (whole seconds; the API's default otherwise). */
  admissionTokenTtl?: number;
  /** Folder for the services' logs (the stack's logs folder by default). */
  logDir?: string;
  readyTimeoutMs?: number;
  /** Connect the services to the stores directly instead of through Toxiproxy (benchmarks: no proxy in the way). */
  direct?: boolean;
  /** Progress lines (the API's image being built, when the stack runs it in containers). Defaults to stderr. */
  log?: (line: string) => void;
}

export interface StartedSystem extends AsyncDisposable {
  /** Each API instance's own URL. */
  apiUrls: string[];
  /** Where buyers go: the load balancer on the replicated shape, else every API instance (the load engine spreads buyers over them). */
  loadUrls: string[];
  /** The replicated shape's nginx in front of the API instances. */
  balancer?: StartedBalancer;
  /** Every service's base URL whose GET /metrics the harness scrapes, by process name. */
  metricsTargets: ScrapeTarget[];
  adminToken: string;
  workerGroupId: string;
  /** api-1…, worker-1…, plus the aliases `api` and `worker` for the first of each; an API instance run as a container is its container. */
  processes: Record<string, ProcessHandle>;
  /** Arms (or re-arms) a sale through the admin API. */
  armSale(productId: string, stock: number): Promise<void>;
  /**
   * Rebuilds Redis stock and buyers from PostgreSQL (after Redis lost its data). The API refuses
   * while orders are still on their way to PostgreSQL: this asks again every 250 ms until it
   * accepts, for at most waitMs.
   */
  reseed(productId: string, waitMs: number, signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

const brokenEnv: Record<BrokenMode, string> = {
  'non-atomic-stock': 'FLUXGATE_BROKEN_NON_ATOMIC_STOCK',
  'ack-before-kafka': 'FLUXGATE_BROKEN_ACK_BEFORE_KAFKA',
  'non-idempotent-worker': 'FLUXGATE_BROKEN_NON_IDEMPOTENT_WORKER',
  'no-per-user-limit': 'FLUXGATE_BROKEN_NO_PER_USER_LIMIT',
  'ignore-idempotency-key': 'FLUXGATE_BROKEN_IGNORE_IDEMPOTENCY_KEY',
  'offset-before-commit': 'FLUXGATE_BROKEN_OFFSET_BEFORE_COMMIT',
  'double-give-back': 'FLUXGATE_BROKEN_DOUBLE_GIVE_BACK',
  'no-give-back': 'FLUXGATE_BROKEN_NO_GIVE_BACK',
  'reseed-ignores-in-flight': 'FLUXGATE_BROKEN_RESEED_IGNORES_IN_FLIGHT',
  'random-admission': 'FLUXGATE_BROKEN_RANDOM_ADMISSION',
  'no-fencing': 'FLUXGATE_BROKEN_NO_FENCING',
  'leader-only-acks': 'FLUXGATE_BROKEN_LEADER_ONLY_ACKS',
  'cross-slot-take': 'FLUXGATE_BROKEN_CROSS_SLOT_TAKE',
};

/** An admin route answered with an error status. */
class AdminRefused extends Error {
  constructor(
    path: string,
    readonly status: number,
    body: string,
  ) {
    super(`POST ${path} answered ${status}: ${body}`);
  }
}

/**
 * A service run as `node [flags] --import tsx <main>`, in a network namespace when given; `ready`
 * gets the log it wrote since its latest spawn.
 */
function nodeProcess(
  name: string,
  main: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  readyTimeoutMs: number,
  ready: (freshLog: () => string) => Promise<void>,
  nodeFlags: string[] = [],
  netnsPath?: string,
) {
  const logFile = join(logDir, `${name}.log`);
  let logStart = 0;
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: [...nodeFlags, '--import', 'tsx', main],
    cwd: repo,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    ...(netnsPath ? { netnsPath } : {}),
    logFile,
    readyTimeoutMs,
    stopGraceMs: 8000,
    beforeSpawn: () => {
      logStart = existsSync(logFile) ? statSync(logFile).size : 0;
    },
    ready: () => ready(() => readFileSync(logFile).subarray(logStart).toString()),
  });
}

type Endpoints = AnyStartedStack['endpoints'] & { apiRedisUrl: string; apiKafkaBrokers: string[]; workerKafkaBrokers: string[]; workerPostgresUrl: string };
interface Shared {
  broken: Record<string, string>;
  logDir: string;
  readyTimeoutMs: number;
  partitions: string;
}

/**
 * Where an API instance listens: 127.0.0.1 on the host, or its node's address, inside the node's
 * network namespace (a host process) or in the node's container (the stack's startInNode).
 */
interface ApiPlace {
  host: string;
  port: number;
  netnsPath?: string;
  container?: true;
}

/** API instance i's variables, wherever it runs. */
function apiEnv(i: number, place: ApiPlace, e: Endpoints, adminToken: string, options: SystemOptions, shared: Shared): Record<string, string> {
  return {
    ...shared.broken,
    HOST: place.host,
    PORT: String(place.port),
    INSTANCE_ID: `api-${i + 1}`,
    REDIS_URL: e.apiRedisUrl,
    ...(e.redisSentinels ? { REDIS_SENTINELS: e.redisSentinels.sentinels.join(','), REDIS_SENTINEL_NAME: e.redisSentinels.name } : {}),
    ...(e.redisCluster ? { REDIS_CLUSTER_NODES: e.redisCluster.join(',') } : {}),
    KAFKA_BROKERS: e.apiKafkaBrokers.join(','),
    DATABASE_URL: e.apiPostgresUrl ?? e.postgresUrl,
    ADMIN_TOKEN: adminToken,
    KAFKA_PARTITIONS: shared.partitions,
    RATE_LIMIT_PER_SEC: String(options.rateLimit?.perSec ?? 1_000_000),
    RATE_LIMIT_BURST: String(options.rateLimit?.burst ?? 1_000_000),
    PER_USER_LIMIT: String(options.perUserLimit ?? 1),
    ...(options.redisTimeoutMs ? { REDIS_TIMEOUT_MS: String(options.redisTimeoutMs) } : {}),
    ...(options.kafkaTimeoutMs ? { KAFKA_TIMEOUT_MS: String(options.kafkaTimeoutMs) } : {}),
    ...(options.admissionTokenTtl ? { WAITING_ROOM_TOKEN_TTL_SEC: String(Math.round(options.admissionTokenTtl / 1000)) } : {}),
    LOG_LEVEL: 'info',
  };
}

/** An API instance is ready once its /health answers 200. */
const healthy = (place: ApiPlace) => async () => {
  const res = await fetch(`${urlOf(place)}/health`);
  if (!res.ok) throw new Error(`/health answered ${res.status}`);
};

/** API instance i as a host process, at its place on the host or in its node's namespace. */
function apiProcess(i: number, place: ApiPlace, env: Record<string, string>, shared: Shared): ManagedProcess {
  return nodeProcess(`api-${i + 1}`, apiMain, env, shared.logDir, shared.readyTimeoutMs, healthy(place), apiNodeFlags, place.netnsPath);
}

/** Worker i, ready once it has joined its consumer group. */
function workerProcess(i: number, metricsPort: number, e: Endpoints, groupId: string, shared: Shared): ManagedProcess {
  const env = {
    ...shared.broken,
    METRICS_PORT: String(metricsPort),
    KAFKA_BROKERS: e.workerKafkaBrokers.join(','),
    DATABASE_URL: e.workerPostgresUrl,
    KAFKA_GROUP_ID: groupId,
    // The broker's minimum: a killed worker leaves the group soonest, so its restart rejoins fast.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ORDERS_PARTITIONS: shared.partitions,
    LOG_LEVEL: 'info',
  };
  return nodeProcess(`worker-${i + 1}`, workerMain, env, shared.logDir, shared.readyTimeoutMs, async (freshLog) => {
    if (!freshLog().includes('"msg":"joined consumer group"')) throw new Error('worker has not joined its consumer group yet');
  });
}

/** The balancer's own pages: the waiting room, the same file for every buyer, which the browser may keep a minute. */
const balancerPages = () => [
  {
    path: '/waiting-room',
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-security-policy': waitingRoomCsp, 'cache-control': 'public, max-age=60' },
    body: staticWaitingRoomPage(),
  },
];

const urlOf = (place: ApiPlace) => `http://${place.host}:${place.port}`;

/** Starts a service; while it fails only because its port was taken meanwhile, `remake` builds it again on a fresh port (three tries). */
async function startOnFreshPort(first: ManagedProcess, remake: ((port: number) => ManagedProcess) | undefined): Promise<void> {
  let process = first;
  for (let attempt = 1; ; attempt++) {
    try {
      await process.start();
      return;
    } catch (err) {
      if (!remake || attempt >= 3 || !lostPortRace(err)) throw err;
      process = remake((await freePorts(1))[0]!);
    }
  }
}

/**
 * Where each API instance runs: when the stack made API nodes (the replicated shape), instance i at
 * node api-i's address, in a container of the stack's when it runs them (containers) or else in the
 * node's namespace (local); otherwise on a free port of 127.0.0.1.
 */
async function apiPlaces(stack: AnyStartedStack, count: number): Promise<ApiPlace[]> {
  const nodes = stack.topology.nodes.filter((n) => n.roles.includes('api'));
  if (!nodes.length) return (await freePorts(count)).map((port) => ({ host: '127.0.0.1', port }));
  return Array.from({ length: count }, (_, i) => {
    const node = nodes.find((n) => n.name === `api-${i + 1}`);
    if (!node) throw new Error(`API instance ${i + 1} needs node api-${i + 1}, and the stack made ${nodes.map((n) => n.name).join(', ')}: start the stack with apiNodes ≥ ${count}`);
    if (stack.startInNode) return { host: node.host, port: node.ports.http!, container: true };
    return { host: node.host, port: node.ports.http!, ...(node.netnsPath ? { netnsPath: node.netnsPath } : {}) };
  });
}

/**
 * Starts the ingestion API instances and inventory workers on a stack, as separate processes; on
 * the replicated shape, nginx in front of the API instances. The API instances run in their nodes
 * where the stack made API nodes (locally a host process in the node's namespace, on containers the
 * ingestion API's image in the node's container); the workers and nginx on the host.
 */
export async function startSystem(stack: AnyStartedStack, options: SystemOptions = {}): Promise<StartedSystem> {
  const replicated = stack.topology.shape !== 'single';
  const apiCount = options.apiInstances ?? (replicated ? 2 : 1);
  const workerCount = options.workers ?? 1;
  const logDir = options.logDir ?? join(stack.dir, 'logs');
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const adminToken = randomBytes(16).toString('hex');
  const workerGroupId = 'inventory-worker';
  const broken = Object.fromEntries((options.brokenModes ?? []).map((m) => [brokenEnv[m], '1']));
  const e = options.direct
    ? { ...stack.endpoints, apiRedisUrl: stack.endpoints.redisUrl, apiKafkaBrokers: stack.endpoints.kafkaBrokers, workerKafkaBrokers: stack.endpoints.kafkaBrokers, workerPostgresUrl: stack.endpoints.postgresUrl }
    : stack.endpoints;
  const places = await apiPlaces(stack, apiCount);
  const workerPorts = await freePorts(workerCount);
  const partitions = String(options.ordersPartitions ?? 4);

  const shared = { broken, logDir, readyTimeoutMs, partitions };
  const startInNode = stack.startInNode;
  const apiImage = startInNode && places.some((p) => p.container) ? await buildApiImage(options.log ?? ((line) => process.stderr.write(`${line}\n`))) : undefined;
  const env = (i: number) => apiEnv(i, places[i]!, e, adminToken, options, shared);
  const apis: (ProcessHandle | undefined)[] = [];
  const hostApi = (i: number) => (apis[i] = apiProcess(i, places[i]!, env(i), shared));
  const workers = workerPorts.map((port, i) => workerProcess(i, port, e, workerGroupId, shared));

  const all = () => [...apis, ...workers].filter((p): p is ProcessHandle => p !== undefined);
  let balancer: StartedBalancer | undefined;
  const stop = async () => {
    await balancer?.process.stop();
    await Promise.allSettled(all().map((p) => p.stop()));
  };
  // A port picked on 127.0.0.1 may be taken by another process before the service binds it (tests
  // and stacks start side by side): the service is made again on a fresh port, up to three times.
  // A node's own address, in its namespace or container, is nobody else's.
  const startApi = async (i: number) => {
    const place = places[i]!;
    if (place.container && startInNode && apiImage) {
      const ready = healthy(place);
      apis[i] = await startInNode(`api-${i + 1}`, { image: apiImage, env: { NODE_ENV: 'development', ...env(i) }, readyLine: /ingestion API listening/, ready });
      return;
    }
    await startOnFreshPort(hostApi(i), place.netnsPath ? undefined : (port) => ((places[i] = { ...place, port }), hostApi(i)));
  };
  const startWorker = (i: number) => startOnFreshPort(workers[i]!, (port) => (workers[i] = workerProcess(i, port, e, workerGroupId, shared)));
  try {
    // The first API runs migrations and creates the topic; start it alone, then the rest together.
    await startApi(0);
    await Promise.all([...places.slice(1).map((_, i) => startApi(i + 1)), ...workers.map((_, i) => startWorker(i))]);
    if (replicated) {
      balancer = await startBalancer({ dir: stack.dir, logDir, upstreams: places.map((place) => `${place.host}:${place.port}`), pages: balancerPages(), readyPath: '/health', readyTimeoutMs });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const apiUrls = places.map(urlOf);
  const admin = async (path: string, body?: unknown) => {
    const res = await fetch(`${apiUrls[0]}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new AdminRefused(path, res.status, await res.text());
  };
  const reseed = async (productId: string, waitMs: number, signal: AbortSignal) => {
    const until = Date.now() + waitMs;
    for (;;) {
      try {
        return await admin(`/admin/sales/${encodeURIComponent(productId)}/reseed`);
      } catch (err) {
        if (!(err instanceof AdminRefused && err.status === 409) || Date.now() >= until || signal.aborted) throw err;
        await abortableSleep(250, signal);
      }
    }
  };
  const processes: Record<string, ProcessHandle> = Object.fromEntries(all().map((p) => [p.name, p]));
  processes.api = apis[0]!;
  processes.worker = workers[0]!;
  if (balancer) processes.nginx = balancer.process;
  return {
    apiUrls,
    loadUrls: balancer ? [balancer.url] : apiUrls,
    ...(balancer ? { balancer } : {}),
    metricsTargets: [
      ...apiUrls.map((url, i) => ({ name: `api-${i + 1}`, url })),
      ...workerPorts.map((port, i) => ({ name: `worker-${i + 1}`, url: `http://127.0.0.1:${port}` })),
    ],
    adminToken,
    workerGroupId,
    processes,
    armSale: (productId, stock) => admin('/admin/sales', { productId, stock }),
    reseed,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
