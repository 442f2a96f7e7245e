import { idempotencyHeader, type OrderRequest } from '@flux-gate/contracts';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { notArmed } from '../http/notArmed.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import { newOrderId } from '../orderIds.ts';
import { orderOutcomes } from './orderOutcomes.ts';
import { idSchema } from './schemas.ts';

const schema = {
  body: {
    type: 'object',
    required: ['userId', 'productId'],
    properties: { userId: idSchema, productId: idSchema },
  },
  headers: {
    type: 'object',
    properties: { [idempotencyHeader]: { type: 'string', minLength: 1, maxLength: 128 } },
  },
  response: {
    200: {
      type: 'object',
      required: ['status', 'orderId'],
      properties: { status: { type: 'string', enum: ['accepted'] }, orderId: { type: 'string' } },
    },
    '4xx': errorBodySchema,
    '5xx': errorBodySchema,
  },
} as const;

interface OrderRoute {
  Body: OrderRequest;
  Headers: { [idempotencyHeader]?: string };
}

/**
 * POST /order: one atomic Redis step decides, then the order goes to Kafka; 200 only after the
 * broker acked (acks=all). When the send fails: 503, and the unit goes back. When the ack is late:
 * 503 with the order id, since the send may still succeed; the unit goes back only if it finally
 * fails, and a retry with the same Idempotency-Key learns which.
 */
export function orderRoute(app: FastifyInstance, ctx: ApiContext): void {
  const { take, catalog, log } = ctx;
  const { handOff, replay, giveBack } = orderOutcomes(ctx);

  app.post<OrderRoute>('/order', { schema }, async (request, reply) => {
    const body = request.body;
    const { productId, userId } = body;
    const key = request.headers[idempotencyHeader];
    const orderId = newOrderId();
    let answer: string;
    try {
      answer = await take(productId, userId, orderId, key);
    } catch (err) {
      log.warn({ productId, err: (err as Error).message }, 'Redis did not answer the take; answering 503');
      giveBack(productId, orderId, key);
      return sendError(reply, 'unavailable');
    }
    switch (answer) {
      case 'ok':
        catalog.remember(productId);
        return handOff(reply, body, orderId, key);
      case 'sold_out':
      case 'already_ordered':
        return sendError(reply, answer);
      case 'limited':
        return reply.redirect(waitingRoomUrl(productId, userId, key), 302);
      case 'unarmed':
        return (await catalog.exists(productId)) ? sendError(reply, 'unavailable', notArmed) : sendError(reply, 'unknown_product');
      default:
        return replay(reply, productId, key ?? '', answer);
    }
  });
}

function waitingRoomUrl(productId: string, userId: string, key: string | undefined): string {
  const query = new URLSearchParams({ productId, userId });
  if (key !== undefined) query.set('idempotencyKey', key);
  return `/waiting-room?${query}`;
}
