import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Admin } from '@platformatic/kafka';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ContainerProcess } from '../src/containers/ContainerProcess.ts';
import { containersProvider, type ProcessHandle, runOrThrow, StackPartError, type StartedStack } from '../src/index.ts';

// Real Docker: the engine and the images the global setup provisioned (provisionContainers.ts).
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const quiet = () => {};
const docker = (...args: string[]) => runOrThrow('docker', args);
const labelled = async (label: string) => (await docker('ps', '-aq', '--filter', `label=${label}`)).trim().split('\n').filter(Boolean);
const networks = async (label: string) => (await docker('network', 'ls', '-q', '--filter', `label=${label}`)).trim().split('\n').filter(Boolean);
const state = async (id: string) => JSON.parse(await docker('inspect', '--format', '{{json .State}}', id)) as { Running: boolean; Paused: boolean; Pid: number };
const idOf = (p: ProcessHandle) => (p as ContainerProcess).id;
const ownLabel = `dev.flux-gate.owner-pid=${process.pid}`;

describe('containers stack', () => {
  let stack: StartedStack;
  let leftover: string;
  let unlabelled: string;
  beforeAll(async () => {
    // A container left by a killed run (its owner process is gone) and one that is not ours.
    const gone = spawn('true');
    await once(gone, 'exit');
    const images = inject('infraImages'); // built by the global setup (provisionContainers.ts)
    leftover = (await docker('create', '--label', 'dev.flux-gate.stack=containers', '--label', `dev.flux-gate.owner-pid=${gone.pid}`, images.redis, 'redis-server')).trim();
    unlabelled = (await docker('create', images.redis, 'redis-server')).trim();
    stack = await containersProvider.start({ log: quiet });
  });
  afterAll(async () => {
    await stack?.stop();
    if (unlabelled) await docker('rm', '-f', unlabelled);
  });

  it('removes what a killed run left, and never a container without the label', async () => {
    expect(await docker('ps', '-aq', '--filter', `id=${leftover}`)).toBe('');
    expect((await docker('ps', '-aq', '--no-trunc', '--filter', `id=${unlabelled}`)).trim()).toBe(unlabelled);
  });

  it('answers on every part, directly and through each proxy, published on 127.0.0.1 only', async () => {
    const e = stack.endpoints;
    for (const url of [e.redisUrl, e.apiRedisUrl]) {
      const redis = new Redis(url, { maxRetriesPerRequest: 1 });
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();
    }
    for (const url of [e.postgresUrl, e.workerPostgresUrl]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      expect((await client.query('SELECT current_user AS u')).rows[0].u).toBe('flux');
      await client.end();
    }
    const proxies = (await (await fetch(`${e.toxiproxyUrl}/proxies`)).json()) as Record<string, { upstream: string }>;
    expect(Object.keys(proxies).sort()).toEqual(['api-kafka', 'api-redis', 'worker-kafka', 'worker-postgres']);
    // Toxiproxy forwards to the stores by container name, on the stack's own network.
    for (const p of Object.values(proxies)) expect(p.upstream).toMatch(new RegExp(`^${stack.containers!.network}-(redis|kafka|postgres):\\d+$`));
    for (const proc of Object.values(stack.processes)) {
      const bindings = JSON.parse(await docker('inspect', '--format', '{{json .NetworkSettings.Ports}}', idOf(proc))) as Record<string, Array<{ HostIp: string }> | null>;
      const ips = Object.values(bindings).flatMap((b) => (b ?? []).map((x) => x.HostIp));
      expect(ips.length).toBeGreaterThan(0);
      expect(new Set(ips)).toEqual(new Set(['127.0.0.1']));
    }
    for (const seconds of Object.values(stack.readiness)) expect(seconds).toBeGreaterThan(0);
  });

  it('advertises each Kafka link at its proxy port, so a host client never bypasses Toxiproxy', async () => {
    const e = stack.endpoints;
    for (const brokers of [e.apiKafkaBrokers, e.workerKafkaBrokers, e.kafkaBrokers]) {
      const admin = new Admin({ clientId: 'containers-test', bootstrapBrokers: brokers, retries: 2 });
      const cluster = await admin.metadata({ topics: [] });
      expect([...cluster.brokers.values()].map((b) => `${b.host}:${b.port}`)).toEqual(brokers);
      await admin.close();
    }
  });

  it('pauses and resumes a store with docker pause and unpause', async () => {
    const id = idOf(stack.processes.redis);
    const client = new Redis(stack.endpoints.redisUrl, { maxRetriesPerRequest: 0, commandTimeout: 500 });
    await stack.processes.redis.pause();
    try {
      expect((await state(id)).Paused).toBe(true);
      await expect(client.ping()).rejects.toThrow();
    } finally {
      await stack.processes.redis.resume();
    }
    expect((await state(id)).Paused).toBe(false);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  it('kills with docker kill and restarts the same container: PostgreSQL keeps its rows, Redis comes back empty', async () => {
    const db = () => new pg.Client({ connectionString: stack.endpoints.postgresUrl });
    const before = db();
    await before.connect();
    await before.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    await before.end();
    const redis = new Redis(stack.endpoints.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
    redis.on('error', () => {});
    await redis.connect();
    await redis.set('gone', '1');
    redis.disconnect();

    for (const part of ['postgres', 'redis'] as const) {
      const proc = stack.processes[part];
      const id = idOf(proc);
      const pid = proc.pid;
      expect(pid).toBeGreaterThan(0);
      await proc.kill();
      expect(proc.running).toBe(false);
      expect(proc.pid).toBeUndefined();
      expect((await state(id)).Running).toBe(false);
      await proc.restart();
      expect((await state(id)).Running).toBe(true);
      expect(proc.pid).not.toBe(pid);
    }
    const after = db();
    await after.connect();
    expect((await after.query('SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
    await after.end();
    const fresh = new Redis(stack.endpoints.redisUrl, { maxRetriesPerRequest: 1 });
    expect(await fresh.get('gone')).toBeNull();
    fresh.disconnect();
  });
});

describe('a containers stack leaves nothing behind', () => {
  it('on a normal stop', async () => {
    const stack = await containersProvider.start({ log: quiet });
    const label = stack.containers!.label;
    expect(await labelled(label)).toHaveLength(4);
    expect(await networks(label)).toHaveLength(1);
    await stack.stop();
    expect(await labelled(label)).toEqual([]);
    expect(await networks(label)).toEqual([]);
  });

  it('on an error during start, naming the part and showing its log', async () => {
    const error = await containersProvider.start({ log: quiet, readyTimeoutMs: 1 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StackPartError);
    expect((error as StackPartError).part).toMatch(/^(redis|postgres|kafka|toxiproxy)$/);
    expect((error as Error).message).toContain('log:');
    expect(await labelled(ownLabel)).toEqual([]);
    expect(await networks(ownLabel)).toEqual([]);
  });

  const stackUp = (): ChildProcessWithoutNullStreams =>
    spawn(process.execPath, ['--import', 'tsx', 'harness/src/cli/stack.ts', 'up', '--json', '--stack', 'containers'], { cwd: repo, stdio: 'pipe' });
  const lineOf = (child: ChildProcessWithoutNullStreams, stream: 'stdout' | 'stderr', match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      let buffer = '';
      child[stream].on('data', (d: Buffer) => {
        buffer += d.toString();
        const line = buffer.split('\n').find((l) => match.test(l));
        if (line) resolve(line);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before printing ${match}: ${buffer}`)));
    });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`on ${signal} to \`npm run stack -- up --stack containers\``, async () => {
      const child = stackUp();
      const info = JSON.parse(await lineOf(child, 'stdout', /^\{/)) as { containers: { label: string } };
      expect(await labelled(info.containers.label)).toHaveLength(4);
      child.kill(signal);
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(code);
      expect(await labelled(info.containers.label)).toEqual([]);
      expect(await networks(info.containers.label)).toEqual([]);
    });
  }

  it('on SIGINT during start', async () => {
    const child = stackUp();
    const line = await lineOf(child, 'stderr', /label dev\.flux-gate\.run=/);
    const label = /label (dev\.flux-gate\.run=\S+),/.exec(line)![1]!;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.kill('SIGINT');
    const [exitCode] = await once(child, 'exit');
    expect(exitCode, stderr).toBe(130);
    expect(await labelled(label)).toEqual([]);
    expect(await networks(label)).toEqual([]);
  });
});
