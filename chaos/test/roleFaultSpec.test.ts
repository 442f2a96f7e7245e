import { expect, test } from 'vitest';
import { createFault, FaultTimeline, parseFaultSpec, runFault, type ControllableProcess, type NodeResolver } from '../src/index.ts';

test('a kill names one process or a list, never both or neither', () => {
  expect(parseFaultSpec({ kind: 'kill', processes: ['kafka-leader', 'kafka-follower'] })).toEqual({ kind: 'kill', processes: ['kafka-leader', 'kafka-follower'] });
  expect(() => parseFaultSpec({ kind: 'kill', process: 'kafka-1', processes: ['kafka-2'] })).toThrow(/process: must be the process name, or give processes/);
  expect(() => parseFaultSpec({ kind: 'pause' })).toThrow(/process: must be the process name, or give processes/);
  expect(() => parseFaultSpec({ kind: 'kill', processes: [] })).toThrow(/processes: must name at least one process/);
});

test('loss may be limited to what given peers send (a replication link); a Sentinel failover takes no target', () => {
  expect(parseFaultSpec({ kind: 'loss', node: 'kafka-follower', from: ['kafka-leader'], percent: 30 })).toEqual({ kind: 'loss', node: 'kafka-follower', from: ['kafka-leader'], percent: 30 });
  expect(() => parseFaultSpec({ kind: 'loss', node: 'kafka-follower', from: [], percent: 30 })).toThrow(/from: must name at least one node/);
  expect(parseFaultSpec({ kind: 'sentinel-failover' })).toEqual({ kind: 'sentinel-failover' });
});

/** A process that records what was done to it. */
function fakeProcess(name: string, done: string[]): ControllableProcess {
  let running = true;
  return {
    name,
    pid: 1,
    get running() {
      return running;
    },
    kill: async () => {
      running = false;
      done.push(`kill ${name}`);
    },
    pause: () => void done.push(`pause ${name}`),
    resume: () => void done.push(`resume ${name}`),
    restart: async () => {
      running = true;
      done.push(`restart ${name}`);
    },
  };
}

test('roles are resolved at inject, one node each, the list taking distinct nodes; heal restarts those and the record names them', async () => {
  const done: string[] = [];
  const processes = Object.fromEntries(['kafka-1', 'kafka-2', 'kafka-3'].map((n) => [n, fakeProcess(n, done)]));
  let leader = 'kafka-2';
  const holders: Record<string, string[]> = { 'kafka-follower': ['kafka-1', 'kafka-3'] };
  const resolveNodes: NodeResolver = (target, nodes, taken = []) =>
    nodes.includes(target) ? [target] : [(target === 'kafka-leader' ? [leader] : holders[target]!).find((n) => !taken.includes(n))!];
  const fault = createFault({ kind: 'kill', processes: ['kafka-leader', 'kafka-follower', 'kafka-follower'] }, { toxiproxyUrl: 'http://unused', processes, resolveNodes });
  leader = 'kafka-3';
  holders['kafka-follower'] = ['kafka-1', 'kafka-2'];
  const timeline = new FaultTimeline();
  await runFault(fault, timeline, async () => {});
  expect(done.filter((d) => d.startsWith('kill')).sort()).toEqual(['kill kafka-1', 'kill kafka-2', 'kill kafka-3']);
  expect(done.filter((d) => d.startsWith('restart')).sort()).toEqual(['restart kafka-1', 'restart kafka-2', 'restart kafka-3']);
  expect(timeline.toJSON()[0]!.nodes).toEqual(['kafka-3', 'kafka-1', 'kafka-2']);
});

test('without a resolver an unknown process is refused at once, naming the known ones', () => {
  expect(() => createFault({ kind: 'kill', process: 'kafka-leader' }, { toxiproxyUrl: 'http://unused', processes: { 'kafka-1': fakeProcess('kafka-1', []) } })).toThrow(
    /unknown process "kafka-leader"; known processes: kafka-1/,
  );
});
