import type { StackPart } from '../StackProvider.ts';
import type { LinkName } from '../StackProvider.ts';
import { brokerJvmOptions, brokerSettings, newClusterId } from '../startKafka.ts';
import { postgresDatabase, postgresSettings, postgresUser } from '../startPostgres.ts';
import { redisOptions } from '../startRedis.ts';

/** Ports inside the containers. */
export const inside = {
  redis: 6379,
  sentinel: 26379,
  postgres: 5432,
  kafka: { harness: 9092, api: 9093, controller: 9094, worker: 9095, internal: 9096 },
  toxiproxy: 8474,
  /** Where each link's proxy listens inside the Toxiproxy container. */
  proxies: { 'api-redis': 10001, 'api-kafka': 10002, 'worker-kafka': 10003, 'worker-postgres': 10004 } satisfies Record<LinkName, number>,
} as const;

/** Host ports, all on 127.0.0.1, chosen before any container starts. */
export interface HostPorts {
  redis: number;
  postgres: number;
  kafka: number;
  toxiproxy: number;
  proxies: Record<LinkName, number>;
}

export interface ContainerSpec {
  /** A store, or `api` for a service of the system run in an API node. */
  part: StackPart | 'api';
  /** The image; the part's own of the run's images when absent (a store's). */
  image?: string;
  /** The node it runs: its process name and log file's (the part's name in the single shape). */
  node: string;
  /** The container's name. */
  name: string;
  /** The Docker network it joins, */
  network: string;
  /** at this fixed address on it (the replicated shape), else one the engine picks. */
  address?: string;
  /** Printed with the node once it answers. */
  roles?: readonly string[];
  command?: string[];
  /** Replaces the image's entry point. */
  entrypoint?: string[];
  /** Files written into the container before it starts. */
  files?: { content: string; target: string; mode?: number }[];
  env: Record<string, string>;
  /** Container port → host port. */
  publish: Record<number, number>;
  /** A line the part prints when it is up; the host probe runs after it. */
  readyLine: RegExp;
  sharedMemoryBytes?: number;
}

/** apache/kafka's variable for a broker setting: '.' → '_', '_' → '__', '-' → '___', upper case. */
export const kafkaVariable = (setting: string) => `KAFKA_${setting.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`;

/**
 * A Kafka container's variables: its settings, the cluster it formats into, and its JVM options as
 * apache/kafka's scripts read them (the image built here has brokerJvmOptions in its entry point;
 * other options replace that: kafkaEntrypoint).
 */
export function kafkaContainerEnv(settings: Readonly<Record<string, string>>, clusterId: string, jvmOptions: readonly string[]): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(settings).map(([key, value]) => [kafkaVariable(key), value])),
    CLUSTER_ID: clusterId,
    KAFKA_HEAP_OPTS: jvmOptions.filter((o) => o.startsWith('-Xm')).join(' '),
    KAFKA_JVM_PERFORMANCE_OPTS: jvmOptions.filter((o) => !o.startsWith('-Xm')).join(' '),
  };
}

/** PostgreSQL's user and database, with trust authentication (the official image's variables; the image built here has them built in). */
export const postgresEnv = { POSTGRES_USER: postgresUser, POSTGRES_DB: postgresDatabase, POSTGRES_HOST_AUTH_METHOD: 'trust' };

/** How each part's container runs in either shape, whatever its address and ports: its command and the line it prints once up. */
export const partContainers: Record<StackPart, Pick<ContainerSpec, 'command' | 'readyLine' | 'sharedMemoryBytes'>> = {
  redis: { command: ['redis-server', ...redisOptions], readyLine: /Ready to accept connections/ },
  postgres: { command: ['postgres', ...postgresSettings], readyLine: /database system is ready to accept connections/, sharedMemoryBytes: 256 * 1024 * 1024 },
  kafka: { readyLine: /Kafka Server started/ },
  toxiproxy: { command: ['-host=0.0.0.0', `-port=${inside.toxiproxy}`], readyLine: /Starting Toxiproxy HTTP server|API HTTP server starting/ },
};

/**
 * What each store's container runs: the same commands and variables for the images built here and
 * for the official ones (see images/index.ts). Kafka has one listener per client link, advertised
 * at the host port of that link's proxy, so a client on the host never bypasses Toxiproxy; the
 * harness's own listener is published directly; the broker reaches itself by its container name.
 */
export function storeContainers(network: string, names: Record<StackPart, string>, ports: HostPorts): Record<StackPart, ContainerSpec> {
  const k = inside.kafka;
  const kafka: Record<string, string> = {
    'node.id': '1',
    'process.roles': 'broker,controller',
    'controller.quorum.voters': `1@localhost:${k.controller}`,
    listeners: `HARNESS://0.0.0.0:${k.harness},API://0.0.0.0:${k.api},WORKER://0.0.0.0:${k.worker},INTERNAL://0.0.0.0:${k.internal},CONTROLLER://localhost:${k.controller}`,
    'advertised.listeners': `HARNESS://127.0.0.1:${ports.kafka},API://127.0.0.1:${ports.proxies['api-kafka']},WORKER://127.0.0.1:${ports.proxies['worker-kafka']},INTERNAL://${names.kafka}:${k.internal}`,
    'listener.security.protocol.map': 'HARNESS:PLAINTEXT,API:PLAINTEXT,WORKER:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'INTERNAL',
    'controller.listener.names': 'CONTROLLER',
    'log.dirs': '/var/lib/kafka/data',
    ...brokerSettings,
  };
  const spec = (part: StackPart, rest: Pick<ContainerSpec, 'env' | 'publish'>): ContainerSpec => ({ part, node: part, name: names[part], network, ...partContainers[part], ...rest });
  return {
    redis: spec('redis', { env: {}, publish: { [inside.redis]: ports.redis } }),
    postgres: spec('postgres', { env: postgresEnv, publish: { [inside.postgres]: ports.postgres } }),
    kafka: spec('kafka', { env: kafkaContainerEnv(kafka, newClusterId(), brokerJvmOptions), publish: { [k.harness]: ports.kafka } }),
    toxiproxy: spec('toxiproxy', {
      env: {},
      publish: {
        [inside.toxiproxy]: ports.toxiproxy,
        ...Object.fromEntries(Object.entries(inside.proxies).map(([link, port]) => [port, ports.proxies[link as LinkName]])),
      },
    }),
  };
}
