import type { FaultRecord, RoleChange } from '@flux-gate/run-format';
import { describe, expect, it } from 'vitest';
import { nodeLanes } from '../src/nodeLanes.ts';

const t0 = 1_000_000;
const at = (s: number) => t0 + s * 1000;
const topology = {
  shape: 'replicated',
  nodes: [
    { name: 'kafka-1', part: 'kafka', roles: ['kafka-broker', 'kafka-controller'], address: '10.77.0.2' },
    { name: 'kafka-2', part: 'kafka', roles: ['kafka-broker', 'kafka-controller'], address: '10.77.0.3' },
    { name: 'kafka-3', part: 'kafka', roles: ['kafka-broker', 'kafka-controller'], address: '10.77.0.4' },
    { name: 'redis-1', part: 'redis', roles: ['redis-primary'], address: '10.77.0.5' },
  ],
};
const change = (s: number, node: string, roles: string[], down?: boolean): RoleChange => ({ at: at(s), node, roles, ...(down ? { down } : {}) });
const fault = (f: Partial<FaultRecord> & Pick<FaultRecord, 'id' | 'kind' | 'target'>): FaultRecord => ({ label: `${f.kind} ${f.target}`, injectedAt: at(10), healedAt: at(20), ...f });

describe('nodeLanes', () => {
  it('a lane per node of the topology, in its order, then the nodes only the records name', () => {
    const lanes = nodeLanes(
      {
        manifest: { startedAt: t0, topology },
        roles: [change(1, 'redis-2', ['redis-replica'])],
        faults: [fault({ id: 'p', kind: 'split', target: 'api-1', nodes: ['api-1'], groups: [['api-1'], ['kafka-1', 'kafka-2', 'kafka-3', 'api-2']] })],
      },
      at(30),
    );
    expect(lanes.map((l) => [l.node, l.part])).toEqual([
      ['kafka-1', 'kafka'],
      ['kafka-2', 'kafka'],
      ['kafka-3', 'kafka'],
      ['redis-1', 'redis'],
      ['redis-2', null],
      ['api-1', null],
      ['api-2', null],
    ]);
  });

  it('role spans run from one change of a node to its next, the last to the end; a repeated sample adds none', () => {
    const [k1, k2] = nodeLanes(
      {
        manifest: { startedAt: t0, topology },
        roles: [
          change(12, 'kafka-1', ['kafka-leader']),
          change(0, 'kafka-1', ['kafka-follower']),
          change(0, 'kafka-2', ['kafka-leader', 'kafka-controller']),
          change(11, 'kafka-2', [], true),
          change(11.5, 'kafka-2', [], true),
          change(21, 'kafka-2', ['kafka-follower']),
        ],
        faults: [],
      },
      at(30),
    );
    expect(k1!.roles).toEqual([
      { from: 0, to: 12, roles: ['kafka-follower'], down: false },
      { from: 12, to: 30, roles: ['kafka-leader'], down: false },
    ]);
    expect(k2!.roles).toEqual([
      { from: 0, to: 11, roles: ['kafka-controller', 'kafka-leader'], down: false },
      { from: 11, to: 21, roles: [], down: true },
      { from: 21, to: 30, roles: ['kafka-follower'], down: false },
    ]);
  });

  it('an isolated node is the minority, cut from every other; each other node is cut from it alone', () => {
    const lanes = nodeLanes(
      {
        manifest: { startedAt: t0, topology },
        roles: [],
        faults: [fault({ id: 'iso', kind: 'isolate', target: 'kafka-leader', nodes: ['kafka-2'], groups: [['kafka-2'], ['kafka-1', 'kafka-3', 'redis-1']] })],
      },
      at(30),
    );
    const byNode = Object.fromEntries(lanes.map((l) => [l.node, l.faults]));
    expect(byNode['kafka-2']).toEqual([{ from: 10, to: 20, faultId: 'iso', kind: 'isolate', label: 'isolate kafka-leader', tone: 'minority', cutFrom: ['kafka-1', 'kafka-3', 'redis-1'], side: ['kafka-2'], open: false }]);
    expect(byNode['kafka-1']![0]).toMatchObject({ tone: 'majority', cutFrom: ['kafka-2'] });
    expect(byNode['redis-1']![0]).toMatchObject({ tone: 'majority', cutFrom: ['kafka-2'] });
  });

  it('a bridge node is on neither side; a process fault shows on its node; a fault never healed runs to the end', () => {
    const lanes = nodeLanes(
      {
        manifest: { startedAt: t0, topology },
        roles: [],
        faults: [
          fault({ id: 'b', kind: 'bridge', target: 'kafka-1', nodes: ['kafka-1', 'kafka-2'], groups: [['kafka-2'], ['kafka-3', 'redis-1']] }),
          fault({ id: 'k', kind: 'kill', target: 'redis-1', injectedAt: at(22), healedAt: undefined }),
          // a link fault names no node: no lane shows it
          fault({ id: 'l', kind: 'latency', target: 'worker-postgres' }),
        ],
      },
      at(30),
    );
    const byNode = Object.fromEntries(lanes.map((l) => [l.node, l.faults]));
    expect(byNode['kafka-1']).toEqual([expect.objectContaining({ faultId: 'b', tone: 'bridge', cutFrom: [] })]);
    expect(byNode['kafka-2']).toEqual([expect.objectContaining({ tone: 'minority', cutFrom: ['kafka-3', 'redis-1'] })]);
    expect(byNode['redis-1']).toEqual([
      expect.objectContaining({ faultId: 'b', tone: 'majority', cutFrom: ['kafka-2'] }),
      { from: 22, to: 30, faultId: 'k', kind: 'kill', label: 'kill redis-1', tone: 'process', cutFrom: [], side: [], open: true },
    ]);
    expect(lanes.map((l) => l.node)).not.toContain('worker-postgres');
  });
});
