import type { ProcessHandle } from './ProcessHandle.ts';
import type { NamespacedNode } from './netns/NamespacedNode.ts';
import type { StackTopology, TopologyShape } from './StackTopology.ts';

/** A node with a network namespace of its own, as node faults (chaos's NetworkNode) use it: run iptables or tc inside, read its address. */
export type NetworkNodeHandle = Pick<NamespacedNode, 'name' | 'address' | 'interface' | 'netnsPath' | 'exec'>;

/** The four client links of the system; each goes through its own Toxiproxy proxy. */
export const linkNames = ['api-redis', 'api-kafka', 'worker-kafka', 'worker-postgres'] as const;
export type LinkName = (typeof linkNames)[number];

export interface Link {
  /** Toxiproxy proxy name (same as the link name). */
  proxy: LinkName;
  /** host:port clients of this link connect to (the proxy's listen address). */
  listen: string;
  /** host:port the proxy forwards to. */
  upstream: string;
}

export interface StackEndpoints {
  /** Direct addresses, for the harness to read the stores without any fault in the way. */
  redisUrl: string;
  postgresUrl: string;
  kafkaBrokers: string[];
  toxiproxyUrl: string;
  /** What the API uses: redis://… through the api-redis proxy (replicated: the first primary, directly). */
  apiRedisUrl: string;
  /**
   * Replicated shape only: the Sentinels and the name of the primary they watch. Clients find the
   * current primary through them (ioredis `sentinels` and `name`); redisUrl is the first primary.
   */
  redisSentinels?: { sentinels: string[]; name: string };
  /**
   * Cluster shape only: every Redis Cluster node as host:port, for a cluster client to start from
   * (ioredis `Cluster`); redisUrl is the first primary.
   */
  redisCluster?: string[];
  /**
   * Replicated local shape only: what an API in its node's namespace uses to reach PostgreSQL (the
   * bridge's host address); postgresUrl otherwise.
   */
  apiPostgresUrl?: string;
  /** What the API uses: brokers through the api-kafka proxy (bootstrap and advertised). */
  apiKafkaBrokers: string[];
  /** What the worker uses: brokers through the worker-kafka proxy. */
  workerKafkaBrokers: string[];
  /** What the worker uses: postgres://… through the worker-postgres proxy. */
  workerPostgresUrl: string;
}

export type StackPart = 'redis' | 'postgres' | 'kafka' | 'toxiproxy';

/** A service of the system a stack runs in one of its nodes (startInNode). */
export interface NodeService {
  /** An image of the engine's own, e.g. flux-gate/ingestion-api:<version>-<hash> (buildServiceImages). */
  image: string;
  env: Record<string, string>;
  /** A line it prints once it listens; `ready` is asked from the host after it, and again after a restart. */
  readyLine: RegExp;
  ready: () => Promise<unknown>;
}

/** A started stack of either shape. */
export interface AnyStartedStack extends AsyncDisposable {
  provider: string;
  endpoints: StackEndpoints;
  /** The Toxiproxy proxy of each client link; the replicated shape proxies only worker-postgres (docs/decisions.md). */
  links: Partial<Record<LinkName, Link>>;
  /**
   * Every node's process by its node name. The part names (`kafka`, `redis`, …) are aliases of
   * the part's first node (replicated: kafka-1, redis-1, the first primary).
   */
  processes: Record<StackPart, ProcessHandle> & Record<string, ProcessHandle>;
  /** The shape and every node with its roles, address and ports. */
  topology: StackTopology;
  /**
   * The nodes with network namespaces of their own, by node name (the replicated shape: locally every
   * Kafka, Redis and Sentinel node and api-1…N; on containers every node's container, an API node's
   * from its startInNode on), for the faults between nodes (isolate, split, bridge, loss, netem).
   * Absent when no node has one.
   */
  networkNodes?: Readonly<Record<string, NetworkNodeHandle>>;
  /** The stack's own temporary folder (data and logs); removed by stop() unless keepDir was asked. */
  dir: string;
  /** Seconds each part took to answer (all of its nodes). */
  readiness: Record<StackPart, number>;
  /** The containers stack only: the label on each of its containers and its network, and the images it runs. */
  containers?: { label: string; network: string; images: Record<StackPart, string> };
  /**
   * The replicated containers shape only: starts a service of the system (an API instance) as a
   * container at the address of its node (role `api`), on the run's network, and returns it once it
   * answers. Its node in networkNodes then enters that container's namespace, and stop() removes it
   * with the stack's own containers.
   */
  startInNode?(node: string, service: NodeService): Promise<ProcessHandle & { readonly readySeconds: number }>;
  /** Stops every process and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** `single` (default), `replicated` or `cluster`. */
  topology?: TopologyShape;
  /** Per-part readiness timeout in milliseconds. Default 60 s. */
  readyTimeoutMs?: number;
  /** The replicated and cluster local shapes: API nodes (api-1…N) to make namespaces for, for the system's API instances. Default 2. */
  apiNodes?: number;
  /** Kafka partitions of the orders topic created at start. Default 4. */
  ordersPartitions?: number;
  /** Copy the logs into this folder on stop (the run folder); the temporary folder is removed either way. */
  keepLogsIn?: string;
  /** Aborting stops whatever has started and makes start() reject. */
  signal?: AbortSignal;
  /** Progress lines. Defaults to stderr. */
  log?: (line: string) => void;
  /** Called as each part answers, e.g. to show which are still starting. */
  onPartReady?: (part: StackPart) => void;
}

/** A started stack of the single shape (the default): every client link has its proxy. */
export interface StartedStack extends AnyStartedStack {
  links: Record<LinkName, Link>;
}

/** Starts a stack. The local provider runs native processes; a containers provider fits the same shape. */
export interface StackProvider {
  name: string;
  start(options?: StackOptions & { topology?: 'single' }): Promise<StartedStack>;
  start(options: StackOptions): Promise<AnyStartedStack>;
}
