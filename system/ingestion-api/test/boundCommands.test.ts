import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureStackTools, freePorts, type ManagedProcess, redisProcess, waitFor } from '@flux-gate/stack';
import { Cluster, Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient, type RedisTarget } from '../src/redis/connectRedis.ts';

const timeoutMs = 200;
/** How long CLIENT PAUSE holds every command: far past the deadline, even on a busy machine. */
const pauseMs = 1_500;
const silent = pino({ level: 'silent' });
let dir: string;
const servers: ManagedProcess[] = [];
const targets: Record<string, RedisTarget> = {};

/** Holds the event loop, as a long GC or a CPU-starved container does. */
const holdLoop = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

/**
 * Issues `send` from the check phase and holds the loop past the deadline right after: when the loop
 * goes on, the expired timers run before the poll phase reads the answer that arrived meanwhile.
 */
const sentBeforeAStall = <T>(send: () => Promise<T>) =>
  new Promise<PromiseSettledResult<T>>((resolve) =>
    setImmediate(() => {
      const reply = send();
      holdLoop(2 * timeoutMs);
      void Promise.allSettled([reply]).then(([settled]) => resolve(settled!));
    }),
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fg-bound-'));
  mkdirSync(join(dir, 'logs'));
  const tools = await ensureStackTools();
  const [single, clustered] = (await freePorts(2)) as [number, number];
  servers.push(redisProcess({ bin: tools.redisServer, name: 'single', port: single, dir, readyTimeoutMs: 20_000 }));
  servers.push(redisProcess({ bin: tools.redisServer, name: 'cluster-node', port: clustered, cluster: true, dir, readyTimeoutMs: 20_000 }));
  await Promise.all(servers.map((s) => s.start()));
  // A Redis Cluster of one node holding every slot: a Cluster client, and its node connection, all the same.
  const node = new Redis({ port: clustered, host: '127.0.0.1' });
  try {
    // A node that met no other knows no address of its own: CLUSTER SLOTS would name none, unless announced.
    await node.call('CONFIG', 'SET', 'cluster-announce-ip', '127.0.0.1');
    await node.call('CLUSTER', 'ADDSLOTSRANGE', 0, 16383);
    await waitFor(async () => {
      if (!String(await node.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) throw new Error('cluster_state is not ok yet');
      const [[, , [host]]] = (await node.call('CLUSTER', 'SLOTS')) as [[number, number, [string]]];
      if (host !== '127.0.0.1') throw new Error(`CLUSTER SLOTS names ${JSON.stringify(host)}`);
    }, { timeoutMs: 10_000 });
  } finally {
    node.disconnect();
  }
  targets['a single Redis'] = { redisUrl: `redis://127.0.0.1:${single}` };
  targets['a Redis Cluster'] = { redisUrl: '', redisCluster: [{ host: '127.0.0.1', port: clustered }] };
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['a single Redis', 'a Redis Cluster'])('the API client on %s', (name) => {
  let client: RedisClient;
  let pauser: Redis;
  beforeAll(async () => {
    client = await connectRedis(targets[name]!, timeoutMs, silent);
    const node = name === 'a single Redis' ? { port: Number(new URL(targets[name]!.redisUrl).port) } : targets[name]!.redisCluster![0]!;
    pauser = new Redis({ host: '127.0.0.1', port: node.port });
  });
  afterAll(() => {
    client?.disconnect();
    pauser?.disconnect();
  });

  it(`reads an answer that arrived while the API's event loop was held past the ${timeoutMs} ms deadline`, async () => {
    expect(await sentBeforeAStall(() => client.set(`bound:${name}`, 'held'))).toEqual({ status: 'fulfilled', value: 'OK' });
  });

  it(`fails a command Redis does not answer within ${timeoutMs} ms`, async () => {
    await pauser.call('CLIENT', 'PAUSE', pauseMs, 'ALL');
    try {
      const started = performance.now();
      await expect(client.get(`bound:${name}`)).rejects.toThrow('Command timed out');
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(timeoutMs - 1);
      expect(waited).toBeLessThan(pauseMs);
    } finally {
      // Answered once the pause is over.
      await pauser.ping();
    }
  });

  it("fails the answered command in the same stall with ioredis's own commandTimeout (what boundCommands replaces)", async () => {
    const target = targets[name]!;
    const plain = target.redisCluster
      ? new Cluster(target.redisCluster, { lazyConnect: true, redisOptions: { commandTimeout: timeoutMs } })
      : new Redis(target.redisUrl, { lazyConnect: true, commandTimeout: timeoutMs });
    try {
      await plain.connect();
      await plain.get(`bound:${name}`);
      expect(await sentBeforeAStall(() => plain.set(`bound:${name}`, 'held'))).toEqual({ status: 'rejected', reason: new Error('Command timed out') });
    } finally {
      plain.disconnect();
    }
  });
});
