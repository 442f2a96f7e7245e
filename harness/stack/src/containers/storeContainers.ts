import { randomBytes } from 'node:crypto';
import type { StackPart } from '../StackProvider.ts';
import type { LinkName } from '../StackProvider.ts';
import { brokerJvmOptions, brokerSettings } from '../startKafka.ts';
import { postgresDatabase, postgresSettings, postgresUser } from '../startPostgres.ts';
import { redisOptions } from '../startRedis.ts';

/** Ports inside the containers. */
export const inside = {
  redis: 6379,
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
  part: StackPart;
  name: string;
  command?: string[];
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
 * What each store's container runs: the same commands and variables for the images built here and
 * for the official ones (see images/index.ts). Kafka has one listener per client link, advertised
 * at the host port of that link's proxy, so a client on the host never bypasses Toxiproxy; the
 * harness's own listener is published directly; the broker reaches itself by its container name.
 */
export function storeContainers(names: Record<StackPart, string>, ports: HostPorts): Record<StackPart, ContainerSpec> {
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
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  return {
    redis: {
      part: 'redis',
      name: names.redis,
      command: ['redis-server', ...redisOptions],
      env: {},
      publish: { [inside.redis]: ports.redis },
      readyLine: /Ready to accept connections/,
    },
    postgres: {
      part: 'postgres',
      name: names.postgres,
      command: ['postgres', ...postgresSettings],
      env: { POSTGRES_USER: postgresUser, POSTGRES_DB: postgresDatabase, POSTGRES_HOST_AUTH_METHOD: 'trust' },
      publish: { [inside.postgres]: ports.postgres },
      readyLine: /database system is ready to accept connections/,
      sharedMemoryBytes: 256 * 1024 * 1024,
    },
    kafka: {
      part: 'kafka',
      name: names.kafka,
      env: {
        ...Object.fromEntries(Object.entries(kafka).map(([key, value]) => [kafkaVariable(key), value])),
        CLUSTER_ID: clusterId,
        // Read by apache/kafka's scripts; the image built here has the same options built in.
        KAFKA_HEAP_OPTS: brokerJvmOptions.filter((o) => o.startsWith('-Xm')).join(' '),
        KAFKA_JVM_PERFORMANCE_OPTS: brokerJvmOptions.filter((o) => !o.startsWith('-Xm')).join(' '),
      },
      publish: { [k.harness]: ports.kafka },
      readyLine: /Kafka Server started/,
    },
    toxiproxy: {
      part: 'toxiproxy',
      name: names.toxiproxy,
      command: ['-host=0.0.0.0', `-port=${inside.toxiproxy}`],
      env: {},
      publish: {
        [inside.toxiproxy]: ports.toxiproxy,
        ...Object.fromEntries(Object.entries(inside.proxies).map(([link, port]) => [port, ports.proxies[link as LinkName]])),
      },
      readyLine: /Starting Toxiproxy HTTP server|API HTTP server starting/,
    },
  };
}
