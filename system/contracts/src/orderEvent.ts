/**
 * The Kafka topic accepted orders are written to, keyed by productId. A message's value holds one or
 * more orders of that product, one JSON OrderEvent per line (see orderMessage and orderMessageLines).
 */
export const ordersTopic = 'orders';

/** One accepted order, as the API hands it to Kafka (one JSON line of a message value). */
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

const newline = 0x0a;
const separator = Buffer.from([newline]);

/**
 * Packs encoded events (from encodeOrderEvent) into one message value, one per line. JSON escapes a
 * newline inside a string, so a line is always exactly one event. Packing the orders of one product
 * into one record spares the client and the broker their per-record work.
 */
export function orderMessage(events: readonly Buffer[]): Buffer {
  if (events.length === 1) return events[0]!;
  const parts: Buffer[] = [];
  for (const event of events) {
    if (parts.length > 0) parts.push(separator);
    parts.push(event);
  }
  return Buffer.concat(parts);
}

/** The event lines of one message value, in the order they were packed; throws when there is none. */
export function orderMessageLines(value: Buffer | string | null): string[] {
  if (value === null) throw new Error('empty message');
  const lines = value
    .toString()
    .split('\n')
    .filter((line) => line.length > 0);
  if (lines.length === 0) throw new Error('message without an order');
  return lines;
}
