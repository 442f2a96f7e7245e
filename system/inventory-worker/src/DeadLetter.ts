import type { DeadLetterReason } from '@flux-gate/contracts';

/** A record the worker sets aside in `dead_letters` instead of storing it as an order. */
export interface DeadLetter {
  partition: number;
  /** Kafka offset, as a decimal string. */
  offset: string;
  /** Index of the line inside the message value; 0 for a problem of the whole value. */
  line: number;
  reason: DeadLetterReason;
  detail: string;
  orderId: string | null;
  userId: string | null;
  productId: string | null;
  valueBytes: number;
  valueHead: string;
}

const headChars = 512;
const idChars = 256;
const detailChars = 512;

/** PostgreSQL text holds no NUL character; U+FFFD stands in for it. */
const pgText = (text: string, max: number) => text.slice(0, max).replaceAll('\u0000', '\uFFFD');
const idText = (value: unknown) => (typeof value === 'string' ? pgText(value, idChars) : null);

/**
 * Builds a dead letter of the record at this place, from its raw line (or whole value) and whatever
 * ids it gave. Every text is cut short and made safe for PostgreSQL, so writing it cannot fail.
 */
export function deadLetter(
  at: { partition: number; offset: string; line: number },
  reason: DeadLetterReason,
  detail: string,
  raw: string | Buffer | null,
  ids: { orderId?: unknown; userId?: unknown; productId?: unknown } = {},
): DeadLetter {
  const text = raw === null ? '' : typeof raw === 'string' ? raw : raw.subarray(0, headChars * 4).toString();
  return {
    partition: at.partition,
    offset: at.offset,
    line: at.line,
    reason,
    detail: pgText(detail, detailChars),
    orderId: idText(ids.orderId),
    userId: idText(ids.userId),
    productId: idText(ids.productId),
    valueBytes: raw === null ? 0 : typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length,
    valueHead: pgText(text, headChars),
  };
}
