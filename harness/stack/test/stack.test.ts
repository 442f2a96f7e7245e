import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProvider, readTopicToEnd, StackPartError, type StartedStack } from '../src/index.ts';
import { alive, childPids } from '../src/childProcesses.ts';

const quiet = () => {};

describe('local stack', () => {
  let stack: StartedStack;
  beforeAll(async () => {
    stack = await localProvider.start({ log: quiet });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers on every part, directly and through each proxy', async () => {
    const e = stack.endpoints;
    for (const url of [e.redisUrl, e.apiRedisUrl]) {
      const redis = new Redis(url, { maxRetriesPerRequest: 1 });
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
    }
    for (const url of [e.postgresUrl, e.workerPostgresUrl]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await client.end();
    }
    const res = await fetch(`${e.toxiproxyUrl}/proxies`);
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['api-kafka', 'api-redis', 'worker-kafka', 'worker-postgres']);
  });

  it('the broker logs through its own config: the start line at INFO, and no complaint from Log4j or SLF4J', () => {
    const log = readFileSync(join(stack.dir, 'logs', 'kafka.log'), 'utf8');
    expect(log).toMatch(/INFO \[KafkaRaftServer nodeId=1\] Kafka Server started/);
    expect(log).not.toMatch(/StatusLogger|SLF4J:/);
  });

  it('advertises each Kafka link at its proxy, so cutting api→kafka leaves worker→kafka up', async () => {
    const e = stack.endpoints;
    const options = (brokers: string[]) => ({ clientId: 'stack-test', bootstrapBrokers: brokers, retries: 1, retryDelay: 100, connectTimeout: 1000, timeout: 2000 });
    const admin = new Admin(options(e.kafkaBrokers));
    await admin.createTopics({ topics: ['links'], partitions: 1, replicas: 1 });
    await admin.close();

    // Metadata fetched through a proxy names the proxy, never the broker's own port.
    const apiAdmin = new Admin(options(e.apiKafkaBrokers));
    const cluster = await apiAdmin.metadata({ topics: [] });
    expect([...cluster.brokers.values()].map((b) => `${b.host}:${b.port}`)).toEqual(e.apiKafkaBrokers);
    await apiAdmin.close();

    const producer = new Producer({ ...options(e.apiKafkaBrokers), serializers: stringSerializers });
    await producer.send({ acks: -1, messages: [{ topic: 'links', key: 'k', value: 'before the cut' }] });

    const toxiproxy = new Toxiproxy(e.toxiproxyUrl);
    const proxy = await toxiproxy.get('api-kafka');
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    try {
      await expect(producer.send({ acks: -1, messages: [{ topic: 'links', value: 'during the cut' }] })).rejects.toThrow();

      // 'links' read through the worker's link while the API's is cut.
      const seen: string[] = [];
      await readTopicToEnd(e.workerKafkaBrokers, 'links', ({ value }) => seen.push(String(value)));
      expect(seen).toEqual(['before the cut']);
    } finally {
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
      await producer.close().catch(() => {});
    }
  });

  it('prints how long each part took to answer', () => {
    for (const seconds of Object.values(stack.readiness)) expect(seconds).toBeGreaterThan(0);
  });
});

describe('stopping leaves nothing behind', () => {
  it('on a normal stop', async () => {
    const stack = await localProvider.start({ log: quiet });
    const pids = Object.values(stack.processes).map((p) => p.pid!);
    expect(pids.every(alive)).toBe(true);
    expect(existsSync(stack.dir)).toBe(true);
    await stack.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(existsSync(stack.dir)).toBe(false);
    expect(await childPids()).toEqual([]);
  });

  it('on an error during start, naming the part and showing its log', async () => {
    const error = await localProvider.start({ log: quiet, readyTimeoutMs: 1 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StackPartError);
    expect((error as StackPartError).part).toMatch(/^(redis|postgres|kafka|toxiproxy)$/);
    expect((error as Error).message).toMatch(/did not answer within|exited during start/);
    expect((error as Error).message).toContain('log:');
    expect(await childPids()).toEqual([]);
  });
});
