import { encodeOrderEvent, type OrderEvent } from '@flux-gate/contracts';
import { poisonKinds, type PoisonKind, seededRandom } from '@flux-gate/run-format';
import { productChoice } from './productChoice.ts';

/** One record for the orders topic, and what the history says of it. */
export interface PlannedRecord {
  key: string;
  value: Buffer;
  productId: string;
  orderId?: string;
  userId?: string;
  poison?: PoisonKind;
}

/** A uuid (v4 layout) drawn from a seeded generator, so the same seed gives the same order ids. */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const oneMiB = 1024 * 1024;

/**
 * The records of a Kafka-side load, one per arrival. Good ones are order events as the API writes
 * them; every poisonEvery-th is a bad one, cycling through the poison kinds:
 * - malformed_json: a value cut off mid-JSON;
 * - missing_field: an event without its userId;
 * - unknown_product: a product PostgreSQL does not know;
 * - duplicate_order_id: the order id of an earlier good record, with another user;
 * - oversized_value: a 1 MiB value (its userId is 1 MiB long).
 */
export function plannedRecords(opts: { seed: number; round: number; users: number; products: readonly string[]; demand?: readonly number[]; poisonEvery: number }): (n: number) => PlannedRecord {
  const product = productChoice(opts.products, opts.demand, opts.seed);
  const random = seededRandom(opts.seed ^ 0x4b41464b);
  const goodIds = new Map<string, string[]>(); // per product: a duplicate goes to its original's partition, after it
  let poisoned = 0;
  return (n) => {
    const productId = product(n);
    const userId = `k${opts.seed}-${opts.round}-${n % Math.max(1, opts.users)}`;
    const event: OrderEvent = { orderId: seededUuid(random), userId, productId, quantity: 1, acceptedAt: new Date().toISOString() };
    const isPoison = opts.poisonEvery > 0 && n % opts.poisonEvery === opts.poisonEvery - 1 && (goodIds.has(productId) || poisonKinds[poisoned % poisonKinds.length] !== 'duplicate_order_id');
    if (!isPoison) {
      if (!goodIds.has(productId)) goodIds.set(productId, []);
      goodIds.get(productId)!.push(event.orderId);
      return { key: productId, value: encodeOrderEvent(event), productId, orderId: event.orderId, userId };
    }
    const poison = poisonKinds[poisoned++ % poisonKinds.length]!;
    switch (poison) {
      case 'malformed_json':
        return { key: productId, value: Buffer.from(encodeOrderEvent(event).toString().slice(0, 30)), productId, poison };
      case 'missing_field': {
        const { userId: _dropped, ...rest } = event;
        return { key: productId, value: Buffer.from(JSON.stringify(rest)), productId, orderId: event.orderId, poison };
      }
      case 'unknown_product': {
        const unknown = `no-such-product-${n}`;
        return { key: unknown, value: encodeOrderEvent({ ...event, productId: unknown }), productId: unknown, orderId: event.orderId, userId, poison };
      }
      case 'duplicate_order_id': {
        const earlier = goodIds.get(productId)!;
        const orderId = earlier[Math.floor(random() * earlier.length)]!;
        const other = `${userId}-other`;
        return { key: productId, value: encodeOrderEvent({ ...event, orderId, userId: other }), productId, orderId, userId: other, poison };
      }
      case 'oversized_value':
        return { key: productId, value: encodeOrderEvent({ ...event, userId: 'x'.repeat(oneMiB) }), productId, orderId: event.orderId, poison };
    }
  };
}
