import { describe, expect, test } from 'vitest';
import { noDuplicates, oneOrderPerKey, perUserLimit } from '../src/checkers/index.ts';
import { clean, order, request, variant } from './support/checkInputs.ts';

describe('per_user_limit', () => {
  test('passes when every user holds at most the limit', () => {
    const result = perUserLimit(clean());
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ limit: 1, usersOverLimit: 0 });
  });

  test('a user with two confirmed units of one product fails, unless the limit allows two', () => {
    const twice = variant((i) => {
      i.history.push(request('u1', 200, { orderId: 'o9', key: 'key-u1-b' }));
      i.final.orders.push(order('o9', 'u1', 9));
    });
    const result = perUserLimit(twice);
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ usersOverLimit: 1, extraUnits: 1, overPromised: 1 });
    expect(result.witnesses.map((w) => w.orderId)).toEqual(['o1', 'o9']);
    expect(perUserLimit({ ...twice, perUserLimit: 2 }).verdict).toBe('pass');
    // Order ids stay unique: that is no_duplicates' question, and it passes.
    expect(noDuplicates(twice).verdict).toBe('pass');
  });

  test('two 200 answers for one user fail even before the worker stored the second order', () => {
    const result = perUserLimit(variant((i) => i.history.push(request('u2', 200, { orderId: 'o8', key: 'key-u2-b' }))));
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ usersOverLimit: 1, extraUnits: 0, overPromised: 1 });
    expect(result.witnesses.map((w) => [w.orderId, w.http])).toEqual([
      ['o2', '200 accepted'],
      ['o8', '200 accepted'],
    ]);
  });

  test('a rejected row does not count as a unit held', () => {
    expect(perUserLimit(variant((i) => i.final.orders.push(order('o9', 'u1', 9, 'rejected')))).verdict).toBe('pass');
  });
});

describe('one_order_per_key', () => {
  test('passes when each key placed at most one order, retries replaying it', () => {
    const result = oneOrderPerKey(variant((i) => i.history.push(request('u1', 0, { attempt: 1 }), request('u1', 200, { orderId: 'o1', attempt: 2 }))));
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ keys: 5, pairsOverKeys: 0, keysWithTwoAnswers: 0 });
  });

  test('a retry that placed a second order fails, even when the limit allows two units', () => {
    const retried = variant((i) => {
      i.perUserLimit = 4;
      i.history.push(request('u1', 0, { attempt: 2 }));
      i.final.orders.push(order('o9', 'u1', 9));
    });
    const result = oneOrderPerKey(retried);
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ pairsOverKeys: 1, extraOrders: 1 });
    expect(result.witnesses.map((w) => w.orderId)).toEqual(['o1', 'o9']);
    expect(result.witnesses[0]?.note).toBe('2 confirmed orders from 1 Idempotency-Key(s)');
    expect(perUserLimit(retried).verdict).toBe('pass');
  });

  test('two keys may place two orders', () => {
    const result = oneOrderPerKey(
      variant((i) => {
        i.perUserLimit = 2;
        i.history.push(request('u1', 200, { orderId: 'o9', key: 'key-u1-b' }));
        i.final.orders.push(order('o9', 'u1', 9));
      }),
    );
    expect(result.verdict).toBe('pass');
  });

  test('one key answered 200 with two order ids fails', () => {
    const result = oneOrderPerKey(variant((i) => i.history.push(request('u3', 200, { orderId: 'o7', attempt: 2 }))));
    expect(result.verdict).toBe('fail');
    expect(result.counts.keysWithTwoAnswers).toBe(1);
    expect(result.witnesses.map((w) => w.orderId)).toEqual(['o3', 'o7']);
  });
});
