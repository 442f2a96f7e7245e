import { replicatedFaultKinds, faultSpecSchema } from '@flux-gate/chaos';
import { describe, expect, it } from 'vitest';
import { generateFaults } from '../src/experiment/generateFaults.ts';
import { kernelHasNetem } from '../src/experiment/kernelHasNetem.ts';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import { storeGroups } from '../src/experiment/replicatedTargets.ts';

const base = { name: 'r', description: 'replicated faults', system: { products: [{ productId: 'r', stock: 10 }] }, load: { rate: 10, duration: '9s', users: 100 } };
/** The stores and instances a fault spec names (a Sentinel failover: Redis). */
const groupsOf = (fault: Record<string, unknown>): string[] => {
  const named = ['process', 'processes', 'node', 'minority', 'side', 'from'].flatMap((k) => (fault[k] === undefined ? [] : [fault[k] as string | string[]]).flat());
  return storeGroups((fault.kind === 'sentinel-failover' ? ['redis-primary'] : named).join('+'));
};
const random = (kinds: string[]) => ({ random: { kinds, count: 3, within: '8s', for: ['500ms', '2s'] } });

describe('generated faults on the replicated topology', () => {
  it('are accepted there, and each kind is refused on the topology that does not draw it, naming the kind', () => {
    expect(parseDefinition({ ...base, topology: 'replicated', faults: random([...replicatedFaultKinds]) }, 'r.json').kind).toBe('experiment');
    expect(() => parseDefinition({ ...base, faults: random(['isolate']) }, 'r.json')).toThrow(/faults\.random\.kinds\.0: "isolate" is not drawn on the single topology/);
    expect(() => parseDefinition({ ...base, topology: 'replicated', faults: random(['latency']) }, 'r.json')).toThrow(/faults\.random\.kinds\.0: "latency" is not drawn on the replicated topology/);
  });

  it('draw valid specs on roles, every kind across seeds, never two at once on one store', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const faults = generateFaults({ kinds: [...replicatedFaultKinds], count: 4, within: 10_000, for: [500, 3000] }, { apiInstances: 2, workers: 1, topology: 'replicated' }, seed);
      for (const f of faults) {
        expect(faultSpecSchema.safeParse(f.fault).success).toBe(true);
        seen.add(f.fault.kind);
      }
      const windows = faults.map((f) => ({ start: 'at' in f.when ? f.when.at : 0, end: ('at' in f.when ? f.when.at : 0) + f.for, groups: groupsOf(f.fault) }));
      for (const [i, a] of windows.entries())
        for (const b of windows.slice(i + 1)) if (a.start < b.end && b.start < a.end) expect(a.groups.filter((g) => b.groups.includes(g))).toEqual([]);
    }
    expect([...seen].sort()).toEqual([...replicatedFaultKinds].sort());
  });
});

describe('netem', () => {
  it('is refused before anything starts where the kernel lacks CONFIG_NET_SCH_NETEM, and accepted where it has it', () => {
    const definition = () =>
      parseDefinition({ ...base, topology: 'replicated', faults: [{ when: { at: '1s' }, for: '1s', fault: { kind: 'netem', node: 'kafka-follower', delayMs: 50 } }] }, 'r.json');
    if (kernelHasNetem()) expect(definition().kind).toBe('experiment');
    else expect(definition).toThrow(/faults\.0\.fault\.kind: this kernel has no netem qdisc \(CONFIG_NET_SCH_NETEM is not set/);
  });
});
