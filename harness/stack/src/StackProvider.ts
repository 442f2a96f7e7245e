import type { ProcessHandle } from './ProcessHandle.ts';

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
  /** What the API uses: redis://… through the api-redis proxy. */
  apiRedisUrl: string;
  /** What the API uses: brokers through the api-kafka proxy (bootstrap and advertised). */
  apiKafkaBrokers: string[];
  /** What the worker uses: brokers through the worker-kafka proxy. */
  workerKafkaBrokers: string[];
  /** What the worker uses: postgres://… through the worker-postgres proxy. */
  workerPostgresUrl: string;
}

export type StackPart = 'redis' | 'postgres' | 'kafka' | 'toxiproxy';

export interface StartedStack extends AsyncDisposable {
  provider: string;
  endpoints: StackEndpoints;
  links: Record<LinkName, Link>;
  processes: Record<StackPart, ProcessHandle>;
  /** The stack's own temporary folder (data and logs); removed by stop() unless keepDir was asked. */
  dir: string;
  /** Seconds each part took to answer. */
  readiness: Record<StackPart, number>;
  /** The containers stack only: the label on each of its containers and its network, and the images it runs. */
  containers?: { label: string; network: string; images: Record<StackPart, string> };
  /** Stops every process and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Per-part readiness timeout in milliseconds. Default 60 s. */
  readyTimeoutMs?: number;
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

/** Starts a stack. The local provider runs native processes; a containers provider fits the same shape. */
export interface StackProvider {
  name: string;
  start(options?: StackOptions): Promise<StartedStack>;
}
