import type { FinalOrder } from '@flux-gate/run-format';
import { describe, expect, test } from 'vitest';
import { defaultInvariants, runCheckers } from '../src/checkers/index.ts';
import { order, clean, variant, product } from './support/checkInputs.ts';

test('a clean run passes every checker meant for buyers over HTTP', () => {
  const { verdict, checks } = runCheckers(clean(), defaultInvariants.http);
  expect(checks.map((c) => [c.name, c.verdict])).toEqual([
    ['no_oversell', 'pass'],
    ['no_lost_orders', 'pass'],
    ['no_duplicates', 'pass'],
    ['per_user_limit', 'pass'],
    ['one_order_per_key', 'pass'],
    ['no_refused_but_confirmed', 'pass'],
    ['no_broken_promises', 'pass'],
    ['conservation', 'pass'],
    ['sold_out_when_demand_exceeds_stock', 'pass'],
    ['unknown_outcomes', 'pass'],
    ['thresholds', 'pass'],
  ]);
  expect(verdict).toBe('pass');
});

describe('runCheckers', () => {
  test('any fail makes the run fail; an unknown alone makes it unknown', () => {
    expect(runCheckers(variant((i) => i.final.orders.push(order('o4', 'u4', 3)))).verdict).toBe('fail');
    expect(runCheckers(variant((i) => (product(i).redisStock = null))).verdict).toBe('unknown');
  });

  test('runs only the named checkers', () => {
    const { checks, verdict } = runCheckers(variant((i) => (product(i).redisStock = null)), ['no_oversell', 'no_duplicates']);
    expect(checks.map((c) => c.name)).toEqual(['no_oversell', 'no_duplicates']);
    expect(verdict).toBe('pass');
  });
});

describe('a checker that throws', () => {
  test('answers unknown with its error, and the others still answer', () => {
    const input = variant((i) => ((i.final as { orders: unknown }).orders = null as unknown as FinalOrder[]));
    const { checks } = runCheckers(input, ['no_lost_orders', 'thresholds']);
    expect(checks[0]).toMatchObject({ name: 'no_lost_orders', verdict: 'unknown', summary: expect.stringMatching(/^the checker failed: /) });
    expect(checks[1]).toMatchObject({ name: 'thresholds', verdict: 'pass' });
  });
});
