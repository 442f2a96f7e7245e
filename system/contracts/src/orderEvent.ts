/** The Kafka topic accepted orders are written to, keyed by productId. */
export const ordersTopic = 'orders';

/** One accepted order, as the API hands it to Kafka (JSON value, key = productId). */
export interface OrderEvent {
  orderId: string;
  userId: string;
  productId: string;
  quantity: 1;
  /** ISO time the API accepted it. */
  acceptedAt: string;
  idempotencyKey?: string;
}

export function encodeOrderEvent(event: OrderEvent): Buffer {
  return Buffer.from(JSON.stringify(event));
}

/** Parses a Kafka value; throws with the reason when it is not an OrderEvent. */
export function decodeOrderEvent(value: Buffer | string | null): OrderEvent {
  if (value === null) throw new Error('empty message');
  const parsed = JSON.parse(value.toString()) as Partial<OrderEvent>;
  for (const field of ['orderId', 'userId', 'productId', 'acceptedAt'] as const) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') throw new Error(`order event without ${field}`);
  }
  return { ...(parsed as OrderEvent), quantity: 1 };
}
