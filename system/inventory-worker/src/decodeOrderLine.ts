import { type DeadLetterReason, idProblem, type OrderEvent } from '@flux-gate/contracts';

export type DecodedLine =
  | { ok: true; order: Pick<OrderEvent, 'orderId' | 'userId' | 'productId' | 'acceptedAt'> }
  | { ok: false; reason: DeadLetterReason; detail: string; fields: Record<string, unknown> };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const required = ['orderId', 'userId', 'productId', 'acceptedAt'] as const;
/** PostgreSQL's timestamptz and toISOString agree on these times (a 4-digit year). */
const earliest = Date.UTC(1970, 0, 1);
const latest = Date.UTC(10_000, 0, 1);

function invalidField(event: Record<string, unknown>): string | undefined {
  for (const field of required) if (typeof event[field] !== 'string') return `${field} is not a string`;
  const { orderId, userId, productId, acceptedAt } = event as Record<(typeof required)[number], string>;
  if (!uuid.test(orderId)) return 'orderId is not a uuid';
  const at = Date.parse(acceptedAt);
  if (!(at >= earliest && at < latest)) return 'acceptedAt is not a time between 1970 and 9999';
  for (const [field, id] of [['userId', userId], ['productId', productId]] as const) {
    const problem = idProblem(id);
    if (problem) return `${field} ${problem}`;
  }
  return undefined;
}

/**
 * Decodes one line of an order message into the fields of an OrderEvent the worker stores, or says
 * why it cannot be stored. Everything PostgreSQL would refuse is caught here, so a bad line is set
 * aside and never blocks its partition.
 */
export function decodeOrderLine(line: string): DecodedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: `not JSON: ${(err as Error).message}`, fields: {} };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'malformed', detail: 'not a JSON object', fields: {} };
  }
  const event = parsed as Record<string, unknown>;
  const missing = required.find((field) => event[field] === undefined || event[field] === null || event[field] === '');
  if (missing) return { ok: false, reason: 'missing_field', detail: `order event without ${missing}`, fields: event };
  const problem = invalidField(event);
  if (problem) return { ok: false, reason: 'invalid_field', detail: problem, fields: event };
  const { orderId, userId, productId, acceptedAt } = event as Record<(typeof required)[number], string>;
  return { ok: true, order: { orderId, userId, productId, acceptedAt: new Date(acceptedAt).toISOString() } };
}
