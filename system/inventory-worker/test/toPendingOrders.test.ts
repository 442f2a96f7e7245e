import { encodeOrderEvent, orderMessage, type OrderEvent } from '@flux-gate/contracts';
import { describe, expect, it } from 'vitest';
import { decodeOrderLine } from '../src/decodeOrderLine.ts';
import { type OrderMessage, toPendingOrders } from '../src/toPendingOrders.ts';

const event: OrderEvent = {
  orderId: '3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69',
  userId: 'user-1',
  productId: 'sku-1',
  quantity: 1,
  acceptedAt: '2030-01-02T03:04:05.678+01:00',
};
const line = (fields: Record<string, unknown>) => JSON.stringify({ ...event, ...fields });
const message = (offset: string, value: Buffer | string | null): OrderMessage => ({
  value: typeof value === 'string' ? Buffer.from(value) : value,
  offset,
});
const verdict = (raw: string) => {
  const decoded = decodeOrderLine(raw);
  return decoded.ok ? 'ok' : [decoded.reason, decoded.detail];
};

describe('decodeOrderLine', () => {
  it('decodes an OrderEvent line, the accepted time made ISO UTC', () => {
    expect(decodeOrderLine(line({ extra: 'ignored' }))).toEqual({
      ok: true,
      order: { orderId: event.orderId, userId: 'user-1', productId: 'sku-1', acceptedAt: '2030-01-02T02:04:05.678Z' },
    });
  });

  it('calls what is no JSON object malformed', () => {
    expect(verdict('{"orderId": "3f1c')).toEqual(['malformed', expect.stringMatching(/^not JSON: /)]);
    expect(verdict('')).toEqual(['malformed', expect.stringMatching(/^not JSON: /)]);
    for (const raw of ['null', '42', '"an order"', '[{}]']) expect(verdict(raw)).toEqual(['malformed', 'not a JSON object']);
  });

  it('names the required field that is absent or empty', () => {
    for (const field of ['orderId', 'userId', 'productId', 'acceptedAt']) {
      expect(verdict(line({ [field]: undefined }))).toEqual(['missing_field', `order event without ${field}`]);
      expect(verdict(line({ [field]: '' }))).toEqual(['missing_field', `order event without ${field}`]);
      expect(verdict(line({ [field]: null }))).toEqual(['missing_field', `order event without ${field}`]);
    }
  });

  it('calls a field PostgreSQL would refuse invalid', () => {
    expect(verdict(line({ userId: 42 }))).toEqual(['invalid_field', 'userId is not a string']);
    expect(verdict(line({ orderId: 'order-1' }))).toEqual(['invalid_field', 'orderId is not a uuid']);
    expect(verdict(line({ acceptedAt: 'yesterday' }))).toEqual(['invalid_field', 'acceptedAt is not a time between 1970 and 9999']);
    expect(verdict(line({ acceptedAt: '+275760-09-13T00:00:00.000Z' }))).toEqual(['invalid_field', 'acceptedAt is not a time between 1970 and 9999']);
    expect(verdict(line({ userId: 'user\u00001' }))).toEqual(['invalid_field', 'userId must hold no control character (such as NUL)']);
    expect(verdict(line({ productId: 'p'.repeat(65) }))).toEqual(['invalid_field', 'productId is longer than 64 characters']);
    expect(verdict(line({ productId: 'p'.repeat(64) }))).toBe('ok');
  });
});

describe('toPendingOrders', () => {
  it('keeps the good lines of a packed message and sets each bad one aside at its place', () => {
    const second = { ...event, orderId: '0b9e7c1d-2f3a-4b5c-8d6e-7f8091a2b3c4', userId: 'user-2' };
    const packed = orderMessage([encodeOrderEvent(event), Buffer.from('not json'), encodeOrderEvent(second), Buffer.from(line({ userId: 'u\u0000'.repeat(300) }))]);
    const { orders, deadLetters } = toPendingOrders(3, [message('10', null), message('11', packed), message('12', '\n\n'), message('13', '{"orderId":\u0000}')]);

    expect(orders.map((o) => [o.orderId, o.offset, o.line])).toEqual([
      [event.orderId, '11', 0],
      [second.orderId, '11', 2],
    ]);
    expect(orders[1]).toMatchObject({ partition: 3, userId: 'user-2', productId: 'sku-1', raw: JSON.stringify(second) });
    expect(deadLetters.map((l) => [l.offset, l.line, l.reason, l.detail])).toEqual([
      ['10', 0, 'malformed', 'empty message'],
      ['11', 1, 'malformed', expect.stringMatching(/^not JSON: /)],
      ['11', 3, 'invalid_field', 'userId must hold no control character (such as NUL)'],
      ['12', 0, 'malformed', 'message without an order'],
      ['13', 0, 'malformed', expect.stringMatching(/^not JSON: /)],
    ]);
    const long = deadLetters[2]!;
    // Ids are kept as given, cut to 256 characters, NUL shown as U+FFFD; the head is the line's first 512.
    expect(long).toMatchObject({ partition: 3, orderId: event.orderId, productId: 'sku-1', userId: 'u\uFFFD'.repeat(128) });
    expect(long.valueHead).toBe(line({ userId: 'u\u0000'.repeat(300) }).slice(0, 512).replaceAll('\u0000', '\uFFFD'));
    expect(long.valueBytes).toBe(Buffer.byteLength(line({ userId: 'u\u0000'.repeat(300) })));
    expect(deadLetters[0]).toMatchObject({ orderId: null, userId: null, productId: null, valueBytes: 0, valueHead: '' });
    expect(deadLetters[3]).toMatchObject({ valueBytes: 2, valueHead: '\n\n' });
    // PostgreSQL text holds no NUL: the raw one in the value is shown as U+FFFD, in the head and the detail.
    expect(deadLetters[4]).toMatchObject({ valueBytes: 13, valueHead: '{"orderId":\uFFFD}' });
    expect(deadLetters.every((l) => !l.detail.includes('\u0000'))).toBe(true);
  });

  it('keeps only the head of a 1 MiB value', () => {
    const huge = line({ userId: 'u'.repeat(1024 * 1024) });
    const { orders, deadLetters } = toPendingOrders(0, [message('7', huge)]);
    expect(orders).toEqual([]);
    expect(deadLetters).toEqual([
      {
        partition: 0,
        offset: '7',
        line: 0,
        reason: 'invalid_field',
        detail: 'userId is longer than 64 characters',
        orderId: event.orderId,
        userId: 'u'.repeat(256),
        productId: 'sku-1',
        valueBytes: huge.length,
        valueHead: huge.slice(0, 512),
      },
    ]);
  });
});
