import { localProvider, type StartedStack } from '@flux-gate/stack';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createFault, type FaultSpecInput } from '../src/index.ts';
import { redisProbe } from './redisProbe.ts';

let stack: StartedStack;
let redis: string;

const fault = (spec: FaultSpecInput) => createFault(spec, { toxiproxyUrl: stack.endpoints.toxiproxyUrl, processes: stack.processes });
const ping = (timeoutMs?: number) => redisProbe(redis, ['PING'], timeoutMs);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  stack = await localProvider.start({ log: () => {} });
  redis = stack.links['api-redis'].upstream;
});
afterAll(() => stack?.stop());
afterEach(async () => {
  stack.processes.redis.resume();
  if (!stack.processes.redis.running) await stack.processes.redis.restart();
});

test('pause: Redis stops answering; heal: it answers again, and heal twice is harmless', async () => {
  const pause = fault({ kind: 'pause', process: 'redis' });
  await pause.inject();
  await pause.inject();
  expect((await ping(500)).outcome).toBe('timeout');
  await pause.heal();
  await pause.heal();
  expect((await ping(1000)).outcome).toBe('reply');
});

test('kill: the pid is gone and Redis refuses; heal restarts it with a new pid; heal twice keeps it', async () => {
  const pid = stack.processes.redis.pid!;
  const kill = fault({ kind: 'kill', process: 'redis' });
  await kill.inject();
  await kill.inject();
  expect(alive(pid)).toBe(false);
  expect((await ping()).outcome).toBe('refused');
  await kill.heal();
  const restarted = stack.processes.redis.pid;
  expect(restarted).toBeDefined();
  expect(restarted).not.toBe(pid);
  expect((await ping()).reply).toBe('+PONG\r\n');
  await kill.heal();
  expect(stack.processes.redis.pid).toBe(restarted);
});

test('redis-restart: Redis comes back at once, empty; heal does nothing harmful', async () => {
  expect((await redisProbe(redis, ['SET', 'stock', '7'])).reply).toBe('+OK\r\n');
  const pid = stack.processes.redis.pid;
  const restart = fault({ kind: 'redis-restart' });
  expect(restart).toMatchObject({ id: 'redis-restart-redis', target: 'redis', label: 'restart redis empty' });
  await restart.inject();
  expect(stack.processes.redis.pid).not.toBe(pid);
  expect((await redisProbe(redis, ['GET', 'stock'])).reply).toBe('$-1\r\n');
  await restart.heal();
  await restart.heal();
  expect((await ping()).outcome).toBe('reply');
});

test('an unknown process is refused at once, naming the known ones', () => {
  expect(() => fault({ kind: 'kill', process: 'ingestion-api' })).toThrow(/unknown process "ingestion-api"; known processes: .*redis/);
});
