import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * The probes that tell a part of the stack answers, by speaking its protocol: a port that only
 * accepts a connection (docker-proxy does at once) never passes one. The local and the containers
 * stack use the same ones.
 */

/** Redis at host:port (127.0.0.1 unless given) answers PING. */
export async function redisAnswers(port: number, host = '127.0.0.1'): Promise<void> {
  const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** A replica answers, and its link to the primary is up (its first sync is done). */
export async function redisReplicaLinked(port: number, host = '127.0.0.1'): Promise<void> {
  const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.info('replication');
    if (!/^master_link_status:up/m.test(info)) throw new Error('the replica is not linked to its primary yet');
  } finally {
    client.disconnect();
  }
}

/** A Sentinel names the primary it watches as `name`, and knows its replicas and the other Sentinels. */
export async function sentinelWatches(port: number, name: string, expect: { replicas: number; otherSentinels: number }, host = '127.0.0.1'): Promise<void> {
  const client = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    const fields = (await client.call('SENTINEL', 'MASTER', name)) as string[];
    const master = Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])));
    const replicas = Number(master['num-slaves']);
    const others = Number(master['num-other-sentinels']);
    if (replicas < expect.replicas || others < expect.otherSentinels) {
      throw new Error(`the Sentinel knows ${replicas} of ${expect.replicas} replicas and ${others} of ${expect.otherSentinels} other Sentinels`);
    }
  } finally {
    client.disconnect();
  }
}

/** PostgreSQL answers a query as `user`; `database` is created if it is not there yet. */
export async function postgresAnswers(port: number, user: string, database: string, host = '127.0.0.1'): Promise<void> {
  // A port taken by another server can accept and never answer: give up on a connection after 2 s.
  const client = new pg.Client({ connectionString: `postgres://${user}@${host}:${port}/postgres`, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${database}`);
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

/** A probe that passes once the broker at `broker` names at least `brokers` brokers in its metadata. */
export function kafkaAnswers(broker: string, brokers = 1): () => Promise<void> {
  return async () => {
    const admin = new Admin({ clientId: 'flux-gate-ready', bootstrapBrokers: [broker], retries: 0, connectTimeout: 1000, timeout: 2000 });
    try {
      const cluster = await admin.metadata({ topics: [], forceUpdate: true });
      if (cluster.brokers.size < brokers) throw new Error(`${cluster.brokers.size} of ${brokers} brokers in metadata yet`);
    } finally {
      await admin.close().catch(() => {});
    }
  };
}

/** Toxiproxy's API answers /version. */
export async function toxiproxyAnswers(url: string): Promise<void> {
  const res = await fetch(`${url}/version`);
  if (!res.ok) throw new Error(`/version answered ${res.status}`);
}
