import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOrThrow } from './tools/runCommand.ts';
import { loopback } from './loopbackAddress.ts';
import { ManagedProcess } from './ManagedProcess.ts';
import { kafkaAnswers } from './readinessProbes.ts';
import { StackPartError } from './StackPartError.ts';

export interface KafkaPorts {
  controller: number;
  /** Direct listener for the harness; also the inter-broker listener. */
  harness: number;
  /** Listener the api-kafka proxy forwards to. */
  api: number;
  /** Listener the worker-kafka proxy forwards to. */
  worker: number;
  /** Proxy ports the api and worker listeners advertise, so clients never bypass Toxiproxy. */
  apiProxy: number;
  workerProxy: number;
}

/** Largest record batch the broker takes: 2 MiB of values plus headroom for the batch's overhead. */
const maxRecordBatchBytes = 2 * 1024 * 1024 + 64 * 1024;

/** The broker's logging (Log4j 2, properties format): warnings, and the lines that say it started. */
export const kafkaLog4j2 = `appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.stdout.ref=STDOUT
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
logger.raftServer.name=kafka.server.KafkaRaftServer
logger.raftServer.level=INFO
logger.brokerServer.name=kafka.server.BrokerServer
logger.brokerServer.level=INFO
`;

/** The broker's settings beyond its listeners, for the local and the containers stack alike. */
export const brokerSettings: Readonly<Record<string, string>> = {
  'num.partitions': '1',
  'auto.create.topics.enable': 'false',
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '4',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'min.insync.replicas': '1',
  'group.initial.rebalance.delay.ms': '0',
  // Room for a 1 MiB value: the default (1048588 bytes per record batch) refuses one once the
  // batch's own overhead is added. The replica fetch size follows the largest batch.
  'message.max.bytes': String(maxRecordBatchBytes),
  'replica.fetch.max.bytes': String(maxRecordBatchBytes),
  'num.network.threads': '2',
  'num.io.threads': '4',
};

/**
 * The broker's JVM: G1 with short pauses, and C1 only: a broker that lives for one run spends its
 * first ~20,000 requests with C2 compiling at a full core (docs/decisions.md), which the run's own
 * load then competes with.
 */
export const brokerJvmOptions = ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:TieredStopAtLevel=1'];

/** The broker's settings in the replicated shape: every topic, internal ones too, on 3 nodes with 2 in sync before an ack. */
export const replicatedBrokerSettings: Readonly<Record<string, string>> = {
  ...brokerSettings,
  'default.replication.factor': '3',
  'min.insync.replicas': '2',
  'unclean.leader.election.enable': 'false',
  'offsets.topic.replication.factor': '3',
  'transaction.state.log.replication.factor': '3',
  'transaction.state.log.min.isr': '2',
  'share.coordinator.state.topic.replication.factor': '3',
  'share.coordinator.state.topic.min.isr': '2',
};

/** Three brokers share the machine: a smaller heap each (a run's topics hold a few hundred MiB at most). */
export const replicatedBrokerJvmOptions = ['-Xms128m', '-Xmx512m', ...brokerJvmOptions.slice(2)];

/** A KRaft cluster id the storage tool takes (its argument parser would read a leading '-' as an option). */
export function newClusterId(): string {
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  return clusterId;
}

/** One node of a KRaft cluster: its name (process and log), id, the quorum's voters and the cluster it formats into. */
export interface KafkaNode {
  name: string;
  id: number;
  /** `controller.quorum.voters`: id@host:port of every controller. */
  voters: string;
  clusterId: string;
  /** Brokers the node's metadata must name before it counts as ready. */
  brokers: number;
  settings: Readonly<Record<string, string>>;
  jvmOptions: string[];
}

/**
 * A KRaft Kafka node, broker and controller, with one listener per client link, every one on
 * `host` (127.0.0.1 unless given; a node's address in its network namespace `netnsPath`). The API
 * and WORKER listeners advertise `apiProxy` and `workerProxy` (the Toxiproxy proxy ports, where
 * Toxiproxy shares the node's 127.0.0.1; or their own ports where the link goes direct). Without
 * `node`: the single broker of the single shape.
 */
export async function kafkaProcess(opts: {
  java: string;
  libs: string;
  ports: KafkaPorts;
  dir: string;
  readyTimeoutMs: number;
  node?: KafkaNode;
  host?: string;
  netnsPath?: string;
}): Promise<ManagedProcess> {
  const p = opts.ports;
  const host = opts.host ?? loopback;
  const node: KafkaNode = opts.node ?? {
    name: 'kafka',
    id: 1,
    voters: `1@${host}:${p.controller}`,
    clusterId: newClusterId(),
    brokers: 1,
    settings: brokerSettings,
    jvmOptions: brokerJvmOptions,
  };
  const home = join(opts.dir, node.name);
  const logs = join(home, 'data');
  mkdirSync(logs, { recursive: true });
  const config = join(home, 'server.properties');
  writeFileSync(
    config,
    [
      'process.roles=broker,controller',
      `node.id=${node.id}`,
      `controller.quorum.voters=${node.voters}`,
      `listeners=HARNESS://${host}:${p.harness},API://${host}:${p.api},WORKER://${host}:${p.worker},CONTROLLER://${host}:${p.controller}`,
      `advertised.listeners=HARNESS://${host}:${p.harness},API://${host}:${p.apiProxy},WORKER://${host}:${p.workerProxy}`,
      'listener.security.protocol.map=HARNESS:PLAINTEXT,API:PLAINTEXT,WORKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=HARNESS',
      'controller.listener.names=CONTROLLER',
      `log.dirs=${logs}`,
      ...Object.entries(node.settings).map(([key, value]) => `${key}=${value}`),
      '',
    ].join('\n'),
  );
  writeFileSync(join(home, 'log4j2.properties'), kafkaLog4j2);
  const classpath = `${opts.libs}/*`;
  const jvm = [`-Dlog4j2.configurationFile=${join(home, 'log4j2.properties')}`, '-Djava.awt.headless=true', '-cp', classpath];
  await runOrThrow(opts.java, ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', ...jvm, 'kafka.tools.StorageTool', 'format', '-t', node.clusterId, '-c', config], {
    cwd: home,
  }).catch((err: Error) => {
    throw new StackPartError(node.name, `storage format failed: ${err.message}`, '');
  });
  return new ManagedProcess({
    name: node.name,
    command: opts.java,
    args: [...node.jvmOptions, ...jvm, 'kafka.Kafka', config],
    ...(opts.netnsPath ? { netnsPath: opts.netnsPath } : {}),
    cwd: home,
    logFile: join(opts.dir, 'logs', `${node.name}.log`),
    readyTimeoutMs: opts.readyTimeoutMs,
    stopGraceMs: 8000,
    ready: kafkaAnswers(`${host}:${p.harness}`, node.brokers),
  });
}
