import { localProvider, type StartedStack } from '@flux-gate/stack';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createFault, FaultTimeline, healAll, runFault, type FaultSpecInput } from '../src/index.ts';
import { redisProbe } from './redisProbe.ts';

let stack: StartedStack;
let through: string; // Redis as the API sees it, through the api-redis proxy
let direct: string;

const fault = (spec: FaultSpecInput) => createFault(spec, { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: stack.processes });
const ping = (timeoutMs?: number) => redisProbe(through, ['PING'], timeoutMs);
const toxics = async (link: string) => ((await (await fetch(`${stack.endpoints.toxiproxyUrl}/proxies/${link}/toxics`)).json()) as { name: string; stream: string }[]);
const proxy = async (link: string) => (await (await fetch(`${stack.endpoints.toxiproxyUrl}/proxies/${link}`)).json()) as { enabled: boolean };

beforeAll(async () => {
  stack = await localProvider.start({ log: () => {} });
  through = stack.links['api-redis'].listen;
  direct = stack.links['api-redis'].upstream;
});
afterAll(() => stack?.stop());
afterEach(() => healAll(stack.endpoints.toxiproxyUrl));

describe('toxics on the api-redis link', () => {
  test('latency: a PING takes at least the latency, and is quick again after heal', async () => {
    const latency = fault({ kind: 'latency', link: 'api-redis', latencyMs: 300 });
    await latency.inject();
    const slow = await ping();
    expect(slow).toMatchObject({ outcome: 'reply', reply: '+PONG\r\n' });
    expect(slow.ms).toBeGreaterThanOrEqual(300);
    await latency.heal();
    expect((await ping()).ms).toBeLessThan(300);
  });

  test('timeout: a PING gets no answer within 500 ms; after heal it answers', async () => {
    const blackHole = fault({ kind: 'timeout', link: 'api-redis', timeoutMs: 0 });
    await blackHole.inject();
    expect((await ping(500)).outcome).toBe('timeout');
    await blackHole.heal();
    expect((await ping(500)).outcome).toBe('reply');
  });

  test('down: the connection is refused at once; after heal it answers', async () => {
    const down = fault({ kind: 'down', link: 'api-redis' });
    await down.inject();
    const refused = await ping();
    expect(refused.outcome).toBe('refused');
    expect(refused.ms).toBeLessThan(500);
    await down.heal();
    expect((await ping()).outcome).toBe('reply');
  });

  test('bandwidth: a 100 KB reply at 100 KB/s takes most of a second', async () => {
    await redisProbe(direct, ['SET', 'big', 'x'.repeat(100_000)]);
    const narrow = fault({ kind: 'bandwidth', link: 'api-redis', rateKBps: 100 });
    await narrow.inject();
    const slow = await redisProbe(through, ['GET', 'big'], 5000);
    expect(slow.outcome).toBe('reply');
    expect(slow.ms).toBeGreaterThan(700);
    await narrow.heal();
    expect((await redisProbe(through, ['GET', 'big'])).ms).toBeLessThan(500);
  });

  test('slicer: a 10 KB reply arrives in many small pieces', async () => {
    await redisProbe(direct, ['SET', 'medium', 'x'.repeat(10_000)]);
    const whole = await redisProbe(through, ['GET', 'medium']);
    const slicer = fault({ kind: 'slicer', link: 'api-redis', averageSize: 100, sizeVariation: 20, delayUs: 2000 });
    await slicer.inject();
    const sliced = await redisProbe(through, ['GET', 'medium']);
    await slicer.heal();
    expect(sliced.outcome).toBe('reply');
    expect(sliced.reply).toBe(whole.reply);
    expect(sliced.chunks).toBeGreaterThan(20);
    expect(whole.chunks).toBeLessThan(5);
  });

  test('reset_peer: the connection drops instead of answering; after heal it answers', async () => {
    const reset = fault({ kind: 'reset_peer', link: 'api-redis', timeoutMs: 0 });
    await reset.inject();
    expect(['reset', 'closed']).toContain((await ping()).outcome);
    await reset.heal();
    expect((await ping()).outcome).toBe('reply');
  });
});

describe('repeating inject and heal', () => {
  test('inject twice leaves one toxic, one heal clears it, and a second heal is harmless', async () => {
    const latency = fault({ kind: 'latency', link: 'api-redis', latencyMs: 1000 });
    await latency.inject();
    await latency.inject();
    expect(await toxics('api-redis')).toHaveLength(1);
    await latency.heal();
    expect(await toxics('api-redis')).toEqual([]);
    expect((await ping()).ms).toBeLessThan(1000);
    await expect(latency.heal()).resolves.toBeUndefined();
  });

  test('direction both puts one toxic on each stream', async () => {
    const latency = fault({ kind: 'latency', link: 'api-redis', latencyMs: 10, direction: 'both' });
    await latency.inject();
    expect((await toxics('api-redis')).map((t) => t.stream).sort()).toEqual(['downstream', 'upstream']);
    await latency.heal();
    expect(await toxics('api-redis')).toEqual([]);
  });

  test('down twice, heal twice: the proxy ends enabled', async () => {
    const down = fault({ kind: 'down', link: 'api-kafka' });
    await down.inject();
    await down.inject();
    expect((await proxy('api-kafka')).enabled).toBe(false);
    await down.heal();
    await down.heal();
    expect((await proxy('api-kafka')).enabled).toBe(true);
  });

  test('healAll removes every toxic and enables every proxy', async () => {
    await fault({ kind: 'latency', link: 'api-redis', latencyMs: 1000 }).inject();
    await fault({ kind: 'down', link: 'worker-postgres' }).inject();
    await healAll(stack.endpoints.toxiproxyUrl);
    expect(await toxics('api-redis')).toEqual([]);
    expect((await proxy('worker-postgres')).enabled).toBe(true);
    expect((await ping()).outcome).toBe('reply');
  });
});

describe('errors and the timeline', () => {
  test('an unknown link fails at inject, naming the known links', async () => {
    await expect(fault({ kind: 'down', link: 'api-mongo' }).inject()).rejects.toThrow(/unknown link "api-mongo".*api-kafka.*api-redis/);
  });

  test('runFault heals and records the times even when the work in between throws', async () => {
    let now = 1000;
    const timeline = new FaultTimeline(() => now++);
    const down = fault({ kind: 'down', link: 'api-redis' });
    await expect(
      runFault(down, timeline, async () => {
        expect((await ping()).outcome).toBe('refused');
        throw new Error('load crashed');
      }),
    ).rejects.toThrow('load crashed');
    expect((await ping()).outcome).toBe('reply');
    expect(timeline.toJSON()).toEqual([{ id: 'down-api-redis', kind: 'down', target: 'api-redis', label: 'down api-redis (connection refused)', injectedAt: 1000, healedAt: 1001 }]);
  });

  test('runFault records a failed inject as an error and leaves healedAt unset when heal fails too', async () => {
    const timeline = new FaultTimeline();
    await expect(runFault(fault({ kind: 'timeout', link: 'nowhere' }), timeline, async () => 'never')).rejects.toThrow(/unknown link/);
    const [record] = timeline.toJSON();
    expect(record?.error).toMatch(/^inject failed: unknown link "nowhere".*; heal failed: unknown link/);
    expect(record?.healedAt).toBeUndefined();
  });
});
