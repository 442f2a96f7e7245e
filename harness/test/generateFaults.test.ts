import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultKinds, faultSpecSchema } from '@flux-gate/chaos';
import { writeRunFile } from '@flux-gate/run-format';
import { afterAll, describe, expect, it } from 'vitest';
import type { Experiment, ScheduledFault } from '../src/experiment/experimentSchema.ts';
import { FaultGenerationError, generateFaults } from '../src/experiment/generateFaults.ts';
import { parseDefinition } from '../src/experiment/loadExperiment.ts';
import type { RandomFaults } from '../src/experiment/randomFaultsSchema.ts';
import { readStoredRun } from '../src/experiment/readStoredRun.ts';
import { resolveExperiment } from '../src/experiment/resolveExperiment.ts';

const every: RandomFaults = { kinds: [...faultKinds], count: 5, within: 8000, for: [500, 3000] };
const system = { apiInstances: 2, workers: 2 };

function experiment(faults: unknown): Experiment {
  const d = parseDefinition(
    { name: 'mix', description: 'generated faults', system: { apiInstances: 2, workers: 2, products: [{ productId: 'm', stock: 10 }] }, load: { rate: 10, duration: '9s', users: 100 }, faults },
    'mix.json',
  );
  if (d.kind !== 'experiment') throw new Error('expected an experiment');
  return d.experiment;
}

const target = (f: ScheduledFault) => String(f.fault.process ?? f.fault.link);
const window = (f: ScheduledFault) => ({ start: (f.when as { at: number }).at, end: (f.when as { at: number }).at + f.for });
const overlap = (a: ScheduledFault, b: ScheduledFault) => window(a).start < window(b).end && window(b).start < window(a).end;
/** A process killed is restarted and waited for: nothing else hits it for 8 s after the heal. */
const settled = (a: ScheduledFault, b: ScheduledFault) => {
  const [first, second] = window(a).start <= window(b).start ? [a, b] : [b, a];
  return first.fault.kind !== 'kill' || window(second).start >= window(first).end + 8000;
};

describe('generateFaults', () => {
  it('the same seed gives the same schedule', () => {
    for (const seed of [0, 1, 42, 2 ** 31 - 1]) expect(generateFaults(every, system, seed)).toEqual(generateFaults(every, system, seed));
  });

  it('another seed gives another schedule', () => {
    const schedules = Array.from({ length: 20 }, (_, seed) => JSON.stringify(generateFaults(every, system, seed)));
    expect(new Set(schedules).size).toBe(20);
    expect(generateFaults(every, system, 1)).not.toEqual(generateFaults(every, system, 2));
  });

  it('draws valid faults inside the window and the bounds, never two at once on one target', () => {
    for (let seed = 0; seed < 200; seed++) {
      const faults = generateFaults(every, system, seed);
      expect(faults).toHaveLength(5);
      expect(new Set(faults.map((f) => f.fault.id)).size).toBe(5);
      for (const f of faults) {
        expect(faultSpecSchema.safeParse(f.fault).success).toBe(true);
        expect(window(f).start).toBeGreaterThanOrEqual(0);
        expect(window(f).start).toBeLessThan(8000);
        expect(f.for).toBeGreaterThanOrEqual(500);
        expect(f.for).toBeLessThanOrEqual(3000);
        expect(f.reseedAfterHeal).toBe(f.fault.kind === 'redis-restart');
        expect(target(f)).not.toBe('toxiproxy');
      }
      for (const [i, a] of faults.entries()) {
        for (const b of faults.slice(i + 1)) {
          if (target(a) === target(b)) expect(settled(a, b)).toBe(true);
          for (const [kill, other] of [[a, b], [b, a]] as const) {
            // A killed API instance restarts through its links and needs Redis, Kafka and PostgreSQL up.
            if (kill.fault.kind === 'kill' && /^api-/.test(target(kill)) && ['api-redis', 'api-kafka', 'redis', 'kafka', 'postgres'].includes(target(other))) {
              expect(settled(kill, other)).toBe(true);
            }
          }
          if (overlap(a, b)) {
            expect(target(a)).not.toBe(target(b));
            expect([a.fault.kind, b.fault.kind]).not.toContain('redis-restart');
            expect([target(a), target(b)].every((t) => /^api-\d+$/.test(t))).toBe(false); // one of the two APIs keeps serving
          }
        }
      }
    }
  });

  it('draws every kind it is given, across seeds', () => {
    const drawn = new Set(Array.from({ length: 100 }, (_, seed) => generateFaults(every, system, seed).map((f) => f.fault.kind)).flat());
    expect([...drawn].sort()).toEqual([...faultKinds].sort());
  });

  it('never faults the only API instance', () => {
    for (let seed = 0; seed < 100; seed++) {
      for (const f of generateFaults({ ...every, kinds: ['kill', 'pause'], count: 3 }, { apiInstances: 1, workers: 1 }, seed)) expect(target(f)).not.toMatch(/^api-\d+$/);
    }
  });

  it('refuses a spec no schedule satisfies, naming the field', () => {
    expect(() => generateFaults({ kinds: ['redis-restart'], count: 3, within: 1000, for: [2000, 2000] }, system, 1)).toThrow(FaultGenerationError);
    expect(() => generateFaults({ kinds: ['redis-restart'], count: 3, within: 1000, for: [2000, 2000] }, system, 1)).toThrow(/faults\.random/);
  });
});

describe('resolveExperiment', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('refuses a bad random spec before anything starts, naming the field', () => {
    expect(() => experiment({ random: { kinds: ['explode'], count: 2, within: '5s', for: ['1s', '2s'] } })).toThrow(/faults\.random\.kinds\.0/);
    expect(() => experiment({ random: { kinds: ['kill'], count: 2, within: '5s', for: ['2s', '1s'] } })).toThrow(/faults\.random\.for/);
  });

  it('writes the drawn schedule out as a plain list, with the spec and seed it came from', () => {
    const e = experiment({ random: { kinds: ['kill', 'latency'], count: 3, within: '5s', for: ['500ms', '2s'] } });
    const resolved = resolveExperiment(e, 9);
    expect(resolved.faults).toEqual(generateFaults({ kinds: ['kill', 'latency'], count: 3, within: 5000, for: [500, 2000] }, system, 9));
    expect(resolved.generatedFaults).toEqual({ random: { kinds: ['kill', 'latency'], count: 3, within: 5000, for: [500, 2000] }, seed: 9 });
    const hand = experiment([{ when: { at: '1s' }, for: '1s', fault: { kind: 'kill', process: 'worker' } }]);
    expect(resolveExperiment(hand, 9).faults).toEqual(hand.faults);
    expect(resolveExperiment(hand, 9).generatedFaults).toBeUndefined();
  });

  it('replay runs the stored schedule: the stored experiment resolves to the same faults whatever the seed', () => {
    const resolved = resolveExperiment(experiment({ random: { ...every, within: '8s', for: ['500ms', '3s'] } }), 5);
    const dir = mkdtempSync(join(tmpdir(), 'flux-stored-run-'));
    made.push(dir);
    writeRunFile(dir, 'experiment.json', resolved);
    writeRunFile(dir, 'manifest.json', { seed: 5 });
    const stored = readStoredRun(dir);
    expect(stored.seed).toBe(5);
    expect(stored.experiment.faults).toEqual(resolved.faults);
    // A stored schedule is a plain list: resolving it again, with any seed, keeps it exactly.
    expect(resolveExperiment(stored.experiment, stored.seed).faults).toEqual(resolved.faults);
    expect(resolveExperiment(stored.experiment, 6).faults).toEqual(resolved.faults);
    expect(resolveExperiment(experiment({ random: { ...every, within: '8s', for: ['500ms', '3s'] } }), 6).faults).not.toEqual(resolved.faults);
  });
});
