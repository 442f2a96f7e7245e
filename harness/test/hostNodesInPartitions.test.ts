import { describe, expect, it } from 'vitest';
import { hostNodesInPartitions, refuseHostNodesInPartitions } from '../src/experiment/hostNodesInPartitions.ts';
import { loadDefinition } from '../src/experiment/loadExperiment.ts';
import type { ScheduledFault } from '../src/experiment/experimentSchema.ts';

const faultsOf = (name: string): ScheduledFault[] => {
  const d = loadDefinition(name);
  if (d.kind !== 'experiment' || !Array.isArray(d.experiment.faults)) throw new Error(`${name} has no fault list`);
  return d.experiment.faults;
};
const at = (fault: ScheduledFault['fault']): ScheduledFault => ({ when: { at: 1000 }, for: 1000, fault, reseedAfterHeal: false }) as ScheduledFault;

describe('network faults on nodes run on the host', () => {
  it('lets redis-split-brain through: its bridge node api-1 is an API node, with a network of its own on either provider', () => {
    expect(hostNodesInPartitions(faultsOf('redis-split-brain'))).toEqual([]);
    expect(() => refuseHostNodesInPartitions(faultsOf('redis-split-brain'))).not.toThrow();
  });

  it('lets partitions of store nodes, roles and API nodes through', () => {
    for (const name of ['kafka-minority', 'kafka-leader-isolated']) expect(hostNodesInPartitions(faultsOf(name))).toEqual([]);
    expect(hostNodesInPartitions([at({ kind: 'split', minority: ['kafka-leader', 'redis-2'] }), at({ kind: 'isolate', node: 'api-2' })])).toEqual([]);
  });

  it('finds the workers and nginx in every field of a network fault, and ignores process faults on them', () => {
    const faults = [
      at({ kind: 'isolate', node: 'worker-1' }),
      at({ kind: 'split', minority: ['kafka-1', 'api-2', 'worker-2'] }),
      at({ kind: 'loss', node: 'redis-2', from: ['nginx'], percent: 10 }),
      at({ kind: 'bridge', node: 'api-1', side: ['redis-primary'] }),
      at({ kind: 'kill', process: 'worker-1' }),
    ];
    expect(hostNodesInPartitions(faults)).toEqual(['faults[0] (isolate): worker-1', 'faults[1] (split): worker-2', 'faults[2] (loss): nginx']);
    expect(() => refuseHostNodesInPartitions(faults)).toThrow(/worker-1.*nginx.*run on the host/);
  });
});
