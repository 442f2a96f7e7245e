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

describe('network faults on nodes the containers provider runs on the host', () => {
  it('refuses redis-split-brain on containers, naming the bridge node and the reason', () => {
    expect(hostNodesInPartitions(faultsOf('redis-split-brain'), 'containers')).toEqual(['faults[0] (bridge): api-1']);
    expect(() => refuseHostNodesInPartitions(faultsOf('redis-split-brain'), 'containers')).toThrow(/api-1.*run on the host.*--stack local/);
  });

  it('lets it run on the local provider, where each API has a namespace', () => {
    expect(() => refuseHostNodesInPartitions(faultsOf('redis-split-brain'), 'local')).not.toThrow();
  });

  it('lets partitions of store nodes and roles through on containers', () => {
    for (const name of ['kafka-minority', 'kafka-leader-isolated']) expect(hostNodesInPartitions(faultsOf(name), 'containers')).toEqual([]);
    expect(hostNodesInPartitions([at({ kind: 'split', minority: ['kafka-leader', 'redis-2'] })], 'containers')).toEqual([]);
  });

  it('finds host nodes in every field of a network fault, and ignores process faults on them', () => {
    const faults = [
      at({ kind: 'isolate', node: 'worker-1' }),
      at({ kind: 'split', minority: ['kafka-1', 'api-2'] }),
      at({ kind: 'loss', node: 'redis-2', from: ['nginx'], percent: 10 }),
      at({ kind: 'kill', process: 'api-1' }),
    ];
    expect(hostNodesInPartitions(faults, 'containers')).toEqual(['faults[0] (isolate): worker-1', 'faults[1] (split): api-2', 'faults[2] (loss): nginx']);
  });
});
