import { describe, expect, it } from 'vitest';
import { classifyAnswer, classifyTransport, errorRate, isError, isRetryable, outcomeClass, transportErrors } from '../src/classifyOutcome.ts';
import type { HistoryEntry } from '../src/runFiles.ts';

describe('classifyAnswer', () => {
  it('200 is ok and carries the order id', () => {
    expect(classifyAnswer({ status: 200, body: { orderId: 'o1' } })).toEqual({ outcome: 'ok', orderId: 'o1' });
  });

  it.each([302, 400, 404, 409, 413, 415, 429])('%i is a decisive refusal (fail) with the body error or http_<status>', (status) => {
    expect(classifyAnswer({ status, body: { error: 'why' } })).toEqual({ outcome: 'fail', error: 'why' });
    expect(classifyAnswer({ status })).toEqual({ outcome: 'fail', error: `http_${status}` });
  });

  it('a 503 that holds nothing fails; one naming an order is unknown (Kafka may yet have it)', () => {
    expect(classifyAnswer({ status: 503, body: { error: 'unavailable' } })).toEqual({ outcome: 'fail', error: 'unavailable' });
    expect(classifyAnswer({ status: 503, body: { error: 'unavailable', orderId: 'o2' } })).toEqual({ outcome: 'unknown', error: 'unavailable_order_open', orderId: 'o2' });
  });

  it.each([500, 502, 504])('%i is unknown', (status) => {
    expect(classifyAnswer({ status, body: { error: 'internal' } })).toEqual({ outcome: 'unknown', error: 'internal' });
  });

  it.each(transportErrors)('no answer (%s) is unknown, never failed', (transport) => {
    expect(classifyAnswer({ status: 0, transport })).toEqual({ outcome: 'unknown', error: transport });
  });
});

describe('classifyTransport', () => {
  it.each([
    [{ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'timeout'],
    [{ code: 'UND_ERR_BODY_TIMEOUT' }, 'timeout'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'timeout'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ code: 'EPIPE' }, 'reset'],
    [{ code: 'UND_ERR_SOCKET', message: 'other side closed' }, 'closed'],
    [{ code: 'UND_ERR_ABORTED' }, 'aborted'],
    [{ name: 'AbortError' }, 'aborted'],
    [new Error('request timed out'), 'timeout'],
    [new Error('something else'), 'other'],
    [null, 'other'],
  ])('%o is %s', (err, kind) => {
    expect(classifyTransport(err)).toBe(kind);
  });
});

const line = (key: string, attempt: number, status: number, outcome: HistoryEntry['outcome']): HistoryEntry => ({ ts: 0, latencyMs: 1, userId: 'u', productId: 'p', key, status, outcome, attempt });

describe('errors and the error rate', () => {
  it('an error is a sent request with no known answer or a 5xx; refusals and drops are not errors', () => {
    expect(isError(line('a', 1, 0, 'unknown'))).toBe(true);
    expect(isError(line('a', 1, 503, 'fail'))).toBe(true);
    expect(isError(line('a', 1, 409, 'fail'))).toBe(false);
    expect(isError(line('a', 1, 302, 'fail'))).toBe(false);
    expect(isError(line('a', 1, 0, 'dropped'))).toBe(false);
    expect(outcomeClass(line('a', 1, 0, 'dropped'))).toBe('dropped');
    expect(outcomeClass(line('a', 1, 503, 'unknown'))).toBe('unknown');
  });

  it('retries after a 503 or an unknown outcome only', () => {
    expect(isRetryable(line('a', 1, 503, 'fail'))).toBe(true);
    expect(isRetryable(line('a', 1, 0, 'unknown'))).toBe(true);
    expect(isRetryable(line('a', 1, 409, 'fail'))).toBe(false);
    expect(isRetryable(line('a', 1, 200, 'ok'))).toBe(false);
  });

  it('is the share of arrivals whose last attempt was an error', () => {
    const history = [
      line('a', 1, 0, 'unknown'),
      line('a', 2, 200, 'ok'), // settled by its retry
      line('b', 1, 503, 'fail'),
      line('b', 2, 0, 'unknown'), // still open at its last attempt
      line('c', 1, 409, 'fail'),
      line('d', 1, 0, 'dropped'), // never sent: not an arrival of the rate
    ];
    expect(errorRate(history)).toBeCloseTo(1 / 3, 9);
    expect(errorRate([...history].reverse())).toBeCloseTo(1 / 3, 9);
    expect(errorRate([])).toBe(0);
  });
});
