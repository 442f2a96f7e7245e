import { describe, expect, it } from 'vitest';
import { loadDefinition, parseDefinition } from '../src/experiment/loadExperiment.ts';
import { brokenModes } from '../src/services/startSystem.ts';
import { refusal } from './support/definitions.ts';

const experiment = {
  name: 'c-case',
  description: 'a case',
  system: { products: [{ productId: 'p', stock: 10 }] },
  load: { rate: 10, duration: '1s', users: 10 },
};
const canary = (cases: unknown[]) => ({ name: 'c', description: 'a canary', cases });


describe('the canary', () => {
  it('has one case for every broken mode, each with the checker meant for it', () => {
    const d = loadDefinition('canary');
    if (d.kind !== 'canary') throw new Error('expected a canary');
    expect(d.canary.cases.map((c) => c.bug).sort()).toEqual([...brokenModes].sort());
    expect(Object.fromEntries(d.canary.cases.map((c) => [c.bug, c.caughtBy]))).toEqual({
      'non-atomic-stock': 'no_oversell',
      'ack-before-kafka': 'no_lost_orders',
      'non-idempotent-worker': 'conservation',
      'no-per-user-limit': 'per_user_limit',
      'ignore-idempotency-key': 'one_order_per_key',
      'offset-before-commit': 'no_lost_orders',
      'double-give-back': 'conservation',
      'no-give-back': 'conservation',
      'reseed-ignores-in-flight': 'no_oversell',
      'random-admission': 'fifo_fairness',
      'no-fencing': 'no_broken_promises',
      'leader-only-acks': 'no_lost_orders',
      'cross-slot-take': 'sold_out_when_demand_exceeds_stock',
    });
    // A case never plants its bug by itself: the runner turns on the case's mode alone.
    expect(d.canary.cases.every((c) => c.experiment.system.brokenModes.length === 0)).toBe(true);
  });

  it('refuses an unknown bug, listing the known ones', () => {
    expect(refusal(canary([{ bug: 'meteor', caughtBy: 'no_oversell', experiment }]), 'canary.json')).toMatch(/cases\.0\.bug: .*non-atomic-stock.*reseed-ignores-in-flight/);
  });

  it('refuses a second case for the same bug', () => {
    const c = { bug: 'double-give-back', caughtBy: 'conservation', experiment };
    expect(refusal(canary([c, c]), 'canary.json')).toMatch(/cases\.1\.bug: double-give-back has a case already/);
  });

  it('refuses a checker the case does not run', () => {
    const msg = refusal(canary([{ bug: 'no-per-user-limit', caughtBy: 'per_user_limit', experiment: { ...experiment, invariants: ['no_oversell'] } }]), 'canary.json');
    expect(msg).toMatch(/cases\.0\.caughtBy: is not among the invariants/);
    expect(refusal(canary([{ bug: 'non-atomic-stock', caughtBy: 'unknown_outcomes', experiment: { ...experiment, load: { ...experiment.load, workload: 'kafka' } } }]), 'canary.json')).toMatch(
      /cases\.0\.caughtBy/,
    );
    expect(() => parseDefinition(canary([{ bug: 'no-per-user-limit', caughtBy: 'per_user_limit', experiment }]), 'canary.json')).not.toThrow();
  });
});
