import { describe, expect, it } from 'vitest';
import type { ScheduledFault } from '../src/experiment/experimentSchema.ts';
import { shrinkSchedule } from '../src/runner/shrinkSchedule.ts';

const fault = (id: string, at: number, ms: number): ScheduledFault => ({ when: { at }, for: ms, fault: { id, kind: 'kill', process: 'worker-1' }, reseedAfterHeal: false });
const schedule = ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => fault(id, i * 1000, 2000));
const ids = (faults: ScheduledFault[]) => faults.map((f) => f.fault.id);

// These predicates stand for "the re-run failed with the same checker": the search is what is under test.
describe('shrinkSchedule', () => {
  it('removes every fault the failure does not need, then shortens what is left', async () => {
    const fails = async (faults: ScheduledFault[]) => faults.some((f) => f.fault.id === 'd' && f.for >= 400);
    const result = await shrinkSchedule(schedule, fails, { tries: 30, minForMs: 200 });
    expect(ids(result.faults)).toEqual(['d']);
    expect(result.faults[0]!.for).toBe(500);
    expect(result.exhausted).toBe(false);
    expect(result.tries.every((t) => t.failed === t.faults.some((f) => f.fault.id === 'd' && f.for >= 400))).toBe(true);
  });

  it('keeps a pair of faults that only fail together', async () => {
    const fails = async (faults: ScheduledFault[]) => ['b', 'e'].every((id) => faults.some((f) => f.fault.id === id));
    const result = await shrinkSchedule(schedule, fails, { tries: 40, minForMs: 2000 });
    expect(ids(result.faults)).toEqual(['b', 'e']);
  });

  it('answers the empty schedule at once when the failure needs no fault', async () => {
    const result = await shrinkSchedule(schedule, async () => true, { tries: 10, minForMs: 200 });
    expect(result.faults).toEqual([]);
    expect(result.tries).toHaveLength(1);
  });

  it('never runs more than its tries, and keeps the smallest failing schedule seen', async () => {
    const fails = async (faults: ScheduledFault[]) => faults.some((f) => f.fault.id === 'f');
    const result = await shrinkSchedule(schedule, fails, { tries: 3, minForMs: 200 });
    expect(result.tries).toHaveLength(3);
    expect(result.exhausted).toBe(true);
    expect(ids(result.faults)).toContain('f');
    expect(result.faults.length).toBeLessThan(schedule.length);
  });

  it('keeps the whole schedule when no smaller one fails', async () => {
    const fails = async (faults: ScheduledFault[]) => faults.length === schedule.length && faults.every((f) => f.for === 2000);
    const result = await shrinkSchedule(schedule, fails, { tries: 100, minForMs: 200 });
    expect(result.faults).toEqual(schedule);
  });
});
