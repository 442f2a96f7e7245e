import { expect, test } from 'vitest';
import { parseFaultSpec } from '../src/index.ts';

test('defaults are filled in', () => {
  expect(parseFaultSpec({ kind: 'latency', link: 'api-redis', latencyMs: 200 })).toEqual({
    kind: 'latency',
    link: 'api-redis',
    latencyMs: 200,
    jitterMs: 0,
    direction: 'downstream',
    toxicity: 1,
  });
  expect(parseFaultSpec({ kind: 'redis-restart' })).toEqual({ kind: 'redis-restart', process: 'redis' });
});

test('an unknown kind lists the kinds', () => {
  expect(() => parseFaultSpec({ kind: 'flood' })).toThrow(/kind: must be one of kill, pause, redis-restart, latency/);
});

test('each bad field is named', () => {
  const both = () => parseFaultSpec({ kind: 'latency', link: 'api-redis', latencyMs: '200ms', direction: 'sideways' });
  expect(both).toThrow(/latencyMs: must be a number of milliseconds/);
  expect(both).toThrow(/direction: must be upstream, downstream or both/);
  expect(() => parseFaultSpec({ kind: 'kill' })).toThrow(/process: must be the process name/);
  expect(() => parseFaultSpec({ kind: 'bandwidth', link: 'api-kafka', rateKBps: -1 })).toThrow(/rateKBps: must be ≥ 0/);
  expect(() => parseFaultSpec({ kind: 'slicer', link: 'api-kafka', averageSize: 10, sizeVariation: 10 })).toThrow(/sizeVariation: must be smaller than averageSize/);
});
