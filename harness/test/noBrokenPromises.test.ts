import { describe, expect, test } from 'vitest';
import { noBrokenPromises } from '../src/checkers/index.ts';
import { order, request, variant } from './support/checkInputs.ts';

describe('no_broken_promises', () => {
  test('a clean run, every 200 stored confirmed, passes', () => {
    const result = noBrokenPromises(variant(() => {}));
    expect(result.verdict).toBe('pass');
    expect(result.counts).toMatchObject({ brokenPromises: 0 });
  });

  test('a 200 whose order PostgreSQL rejected is a broken promise, with its witness', () => {
    const result = noBrokenPromises(variant((i) => (i.final.orders[2] = order('o3', 'u3', 2, 'rejected'))));
    expect(result.verdict).toBe('fail');
    expect(result.counts).toMatchObject({ brokenPromises: 1, acceptedButRejected: 1 });
    expect(result.witnesses[0]).toMatchObject({ orderId: 'o3', http: '200 accepted', note: expect.stringMatching(/rejected/) });
  });

  test('a 200 never stored is broken once the worker drained with nothing left in Kafka, and unknown before', () => {
    const missing = variant((i) => i.history.push(request('u6', 200, { orderId: 'o6' })));
    expect(noBrokenPromises(missing)).toMatchObject({ verdict: 'fail', counts: { brokenPromises: 1, acceptedButMissing: 1 } });
    const draining = variant((i) => {
      i.history.push(request('u6', 200, { orderId: 'o6' }));
      i.final.kafkaLag = 3;
    });
    expect(noBrokenPromises(draining)).toMatchObject({ verdict: 'unknown', counts: { brokenPromises: 0, acceptedButMissing: 1 } });
  });

  test('a refused buyer whose order was rejected broke no promise', () => {
    const result = noBrokenPromises(
      variant((i) => {
        i.history.push(request('u6', 503, { error: 'unavailable' }));
        i.final.orders.push(order('o6', 'u6', 3, 'rejected'));
      }),
    );
    expect(result.verdict).toBe('pass');
  });
});
