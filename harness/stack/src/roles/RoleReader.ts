import { Connection, describeQuorumV2, metadataV12 } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import type { StackEndpoints } from '../StackProvider.ts';
import type { StackNode, StackTopology } from '../StackTopology.ts';
import { endpointOwner } from './endpointOwner.ts';
import { type NodeRoles, type RoleReading, type RunRole, runRoles } from './runRoles.ts';

type MetadataResponse = Awaited<ReturnType<typeof metadataV12.api.async>>;

/** KRaft's own log: DescribeQuorum on it names the active controller (leaderId). */
const metadataLog = { topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] };
const timeoutMs = 1000;

const hostPort = (address: string) => ({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) });
const settle = <T>(p: Promise<T>) => p.then((v) => v, () => undefined);
const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** Runs a command once the client is connected, waiting up to half a second for the connection. */
async function ask(client: Redis, ...command: [string, ...string[]]): Promise<unknown> {
  if (client.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(new Error('not connected'));
      }, 500);
      client.once('ready', onReady);
    });
  }
  return client.call(...command);
}

interface KafkaView {
  /** Kafka nodes that answered a metadata request of their own. */
  live: string[];
  leader?: string;
  followers: string[];
  controller?: string;
}

interface RedisView {
  /** ROLE of each Redis node; undefined when it did not answer. */
  role: Record<string, 'master' | 'slave' | undefined>;
  /** The primary most Sentinels name, and which Sentinels answered. */
  sentinelPrimary?: string;
  sentinelsUp: Record<string, boolean>;
}

/**
 * Asks the stores which node holds each run-time role: Kafka's metadata for the leader and the
 * in-sync replicas of one partition, DescribeQuorum for the active KRaft controller, the Sentinels
 * for the Redis primary (the one most of them name) and each Redis node's ROLE. Every question
 * times out within about a second; a node that does not answer is read as down. Reuses its
 * connections between readings; close() ends them.
 */
export class RoleReader {
  readonly #kafkaNodes: StackNode[];
  readonly #redisNodes: StackNode[];
  readonly #sentinelNodes: StackNode[];
  /** A connection to each Kafka node, by node name, made on first use and dropped when it fails. */
  readonly #kafka = new Map<string, Connection>();
  readonly #redis = new Map<string, Redis>();
  #quorum: { connection: Connection; broker: string } | undefined;

  constructor(
    topology: StackTopology,
    private readonly endpoints: StackEndpoints,
    private readonly topic: string,
  ) {
    this.#kafkaNodes = topology.nodes.filter((n) => n.roles.includes('kafka-broker'));
    this.#redisNodes = topology.nodes.filter((n) => n.part === 'redis' && n.ports.client !== undefined);
    this.#sentinelNodes = topology.nodes.filter((n) => n.roles.includes('redis-sentinel'));
    for (const node of [...this.#redisNodes, ...this.#sentinelNodes]) {
      const port = node.ports.client ?? node.ports.sentinel!;
      const client = new Redis({ host: node.host, port, connectTimeout: 500, commandTimeout: 500, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 200 });
      client.on('error', () => {});
      this.#redis.set(node.name, client);
    }
  }

  /** One reading of every Kafka, Redis and Sentinel node. */
  async read(): Promise<RoleReading> {
    const [kafka, redis] = await Promise.all([this.#readKafka(), this.#readRedis()]);
    const holders: Record<RunRole, string[]> = Object.fromEntries(runRoles.map((r) => [r, []])) as unknown as Record<RunRole, string[]>;
    if (kafka.leader) holders['kafka-leader'].push(kafka.leader);
    holders['kafka-follower'].push(...kafka.followers);
    if (kafka.controller) holders['kafka-controller'].push(kafka.controller);
    const masters = Object.keys(redis.role).filter((n) => redis.role[n] === 'master').sort(byName);
    // The Sentinels' choice first: it is the primary clients are sent to; another node that says it
    // is a primary (an old one not yet turned into a replica) comes after it.
    holders['redis-primary'].push(...new Set([...(redis.sentinelPrimary ? [redis.sentinelPrimary] : []), ...masters]));
    holders['redis-replica'].push(...Object.keys(redis.role).filter((n) => redis.role[n] === 'slave').sort(byName));

    const nodes: Record<string, NodeRoles> = {};
    for (const node of [...this.#kafkaNodes, ...this.#redisNodes, ...this.#sentinelNodes]) {
      const roles = runRoles.filter((role) => holders[role].includes(node.name) && (role !== 'redis-primary' || redis.role[node.name] === 'master'));
      const down = this.#kafkaNodes.includes(node)
        ? !kafka.live.includes(node.name)
        : this.#sentinelNodes.includes(node)
          ? !redis.sentinelsUp[node.name]
          : redis.role[node.name] === undefined;
      nodes[node.name] = down ? { roles, down: true } : { roles };
    }
    return { at: Date.now(), nodes, holders };
  }

  /** One node's own metadata (of the topic, or of no topic when it does not exist yet); undefined when it did not answer. */
  async #metadataOf(node: StackNode): Promise<MetadataResponse | undefined> {
    try {
      let connection = this.#kafka.get(node.name);
      if (!connection) {
        connection = quietConnection();
        this.#kafka.set(node.name, connection);
        await connection.connect(node.host, node.ports.harness!);
      }
      return await metadataV12.api.async(connection, [this.topic], false, false).catch(() => metadataV12.api.async(connection, [], false, false));
    } catch {
      await this.#kafka.get(node.name)?.close().catch(() => {});
      this.#kafka.delete(node.name);
      return undefined;
    }
  }

  /**
   * Asks every Kafka node for its metadata and believes the one with the newest leader epoch of the
   * partition: a broker cut off from the others still answers the harness, with the leader it last
   * knew.
   */
  async #readKafka(): Promise<KafkaView> {
    const answers = (await Promise.all(this.#kafkaNodes.map(async (node) => ({ node: node.name, answer: await this.#metadataOf(node) })))).filter(
      (a): a is { node: string; answer: MetadataResponse } => a.answer !== undefined,
    );
    const partitionOf = (m: MetadataResponse) => m.topics.find((t) => t.name === this.topic)?.partitions.find((p) => p.partitionIndex === 0);
    const newest = answers.sort((a, b) => (partitionOf(b.answer)?.leaderEpoch ?? -1) - (partitionOf(a.answer)?.leaderEpoch ?? -1))[0];
    const live = answers.map((a) => a.node);
    if (!newest) return { live, followers: [] };
    const names = new Map<number, string>();
    for (const broker of newest.answer.brokers) {
      const name = endpointOwner(this.#kafkaNodes, 'harness', broker.host, broker.port) ?? this.#kafkaNodes.find((n) => n.name === `kafka-${broker.nodeId}`)?.name;
      if (name) names.set(broker.nodeId, name);
    }
    const partition = partitionOf(newest.answer);
    const leader = partition && partition.leaderId >= 0 ? names.get(partition.leaderId) : undefined;
    const followers = (partition?.isrNodes ?? []).filter((id) => id !== partition?.leaderId).flatMap((id) => names.get(id) ?? []).sort(byName);
    const reachable = [newest.node, ...live.filter((n) => n !== newest.node)].map((n) => this.#kafkaNodes.find((k) => k.name === n)!).map((k) => `${k.host}:${k.ports.harness}`);
    const controllerId = await this.#activeController(reachable);
    return { live, leader, followers, controller: controllerId === undefined ? undefined : names.get(controllerId) };
  }

  /** The active controller's node id (DescribeQuorum, which a broker forwards to the controllers), from the first broker that answers. */
  async #activeController(brokers: string[]): Promise<number | undefined> {
    const order = this.#quorum ? [this.#quorum.broker, ...brokers.filter((b) => b !== this.#quorum!.broker)] : brokers;
    for (const broker of order) {
      try {
        if (this.#quorum?.broker !== broker) {
          await this.#dropQuorumConnection();
          const connection = quietConnection();
          const { host, port } = hostPort(broker);
          await connection.connect(host, port);
          this.#quorum = { connection, broker };
        }
        const answer = await describeQuorumV2.api.async(this.#quorum!.connection, [metadataLog]);
        const leaderId = answer.topics[0]?.partitions[0]?.leaderId;
        if (leaderId !== undefined && leaderId >= 0) return leaderId;
      } catch {
        await this.#dropQuorumConnection();
      }
    }
    return undefined;
  }

  async #dropQuorumConnection(): Promise<void> {
    const quorum = this.#quorum;
    this.#quorum = undefined;
    await quorum?.connection.close().catch(() => {});
  }

  async #readRedis(): Promise<RedisView> {
    const sentinels = this.endpoints.redisSentinels;
    const [roles, named] = await Promise.all([
      Promise.all(
        this.#redisNodes.map(async (node) => {
          const role = (await settle(ask(this.#redis.get(node.name)!, 'ROLE')) as unknown[] | undefined)?.[0];
          return [node.name, role === 'master' || role === 'slave' ? role : undefined] as const;
        }),
      ),
      Promise.all(
        this.#sentinelNodes.map(async (node) => {
          const answer = sentinels ? ((await settle(ask(this.#redis.get(node.name)!, 'SENTINEL', 'get-master-addr-by-name', sentinels.name))) as [string, string] | null | undefined) : undefined;
          const primary = answer ? endpointOwner(this.#redisNodes, 'client', answer[0], Number(answer[1])) : undefined;
          return { sentinel: node.name, up: answer !== undefined, primary };
        }),
      ),
    ]);
    const votes = new Map<string, number>();
    for (const { primary } of named) if (primary) votes.set(primary, (votes.get(primary) ?? 0) + 1);
    const sentinelPrimary = [...votes.entries()].sort((a, b) => b[1] - a[1] || byName(a[0], b[0]))[0]?.[0];
    return { role: Object.fromEntries(roles), sentinelPrimary, sentinelsUp: Object.fromEntries(named.map((n) => [n.sentinel, n.up])) };
  }

  async close(): Promise<void> {
    for (const client of this.#redis.values()) client.disconnect();
    await Promise.allSettled([...[...this.#kafka.values()].map((c) => c.close()), this.#dropQuorumConnection()]);
  }
}

/**
 * A connection for the reader's own requests. A socket error with no request pending (a killed
 * broker resets it) is emitted as 'error', which would end the process unheard; the reader learns of
 * it from its next request instead.
 */
function quietConnection(): Connection {
  const connection = new Connection('flux-gate-roles', { connectTimeout: 500, requestTimeout: timeoutMs });
  connection.on('error', () => {});
  return connection;
}
