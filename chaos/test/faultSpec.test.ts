import { describe, expect, test } from 'vitest';
import { parseFaultSpec, partitionGrudge } from '../src/index.ts';

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

test('node faults: defaults, and each bad field named', () => {
  expect(parseFaultSpec({ kind: 'netem', node: 'kafka-1', delayMs: 100 })).toEqual({ kind: 'netem', node: 'kafka-1', delayMs: 100, jitterMs: 0, lossPercent: 0 });
  expect(() => parseFaultSpec({ kind: 'netem', node: 'kafka-1' })).toThrow(/delayMs: must be > 0 when lossPercent is 0/);
  expect(() => parseFaultSpec({ kind: 'netem', node: 'kafka-1', delayMs: 10, jitterMs: 20 })).toThrow(/jitterMs: must be ≤ delayMs/);
  expect(() => parseFaultSpec({ kind: 'split', minority: [] })).toThrow(/minority: must name at least one node/);
  expect(() => parseFaultSpec({ kind: 'bridge', node: 'b', side: ['b'] })).toThrow(/side: must not hold the bridge node itself/);
  expect(() => parseFaultSpec({ kind: 'loss', node: 'a', percent: 0 })).toThrow(/percent: must be > 0/);
  expect(() => parseFaultSpec({ kind: 'isolate' })).toThrow(/node: must be the node name/);
});

describe('partitionGrudge: who drops whom', () => {
  const all = ['n1', 'n2', 'n3', 'n4', 'n5'];
  test('isolate: the node drops every other, and every other drops it', () => {
    expect(partitionGrudge({ shape: 'isolate', nodes: ['n1'] }, all)).toEqual({ n1: ['n2', 'n3', 'n4', 'n5'], n2: ['n1'], n3: ['n1'], n4: ['n1'], n5: ['n1'] });
  });
  test('split: minority and majority drop each other, not their own side', () => {
    const grudge = partitionGrudge({ shape: 'split', minority: ['n1', 'n2'] }, all);
    expect(grudge.n1).toEqual(['n3', 'n4', 'n5']);
    expect(grudge.n3).toEqual(['n1', 'n2']);
    expect(() => partitionGrudge({ shape: 'split', minority: ['n1', 'n2', 'n3'] }, all)).toThrow(/must be fewer nodes than the majority/);
  });
  test('bridge: the bridge drops no one and no one drops it', () => {
    const grudge = partitionGrudge({ shape: 'bridge', bridge: 'n3', side: ['n1', 'n2'] }, all);
    expect(grudge).toEqual({ n1: ['n4', 'n5'], n2: ['n4', 'n5'], n4: ['n1', 'n2'], n5: ['n1', 'n2'] });
    expect(() => partitionGrudge({ shape: 'bridge', bridge: 'n3', side: ['n1', 'n2', 'n4', 'n5'] }, all)).toThrow(/no node is left on the other side/);
  });
  test('a node not in the network is named', () => {
    expect(() => partitionGrudge({ shape: 'isolate', nodes: ['n9'] }, all)).toThrow(/not in the network: n9/);
  });
});
