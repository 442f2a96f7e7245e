import { setTimeout as sleep } from 'node:timers/promises';
import { encodeOrderEvent, idempotencyHeader, type OrderRequest, type OrderResponse } from '@flux-gate/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { notArmed } from '../http/notArmed.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import { KafkaAckTimeout, type PendingSend } from '../kafka/OrderBatcher.ts';
import { newOrderId } from '../orderIds.ts';
import { idSchema } from './schemas.ts';

const acceptedPrefix = 'accepted:';
const pendingPrefix = 'pending:';
const replayPollMs = 10;

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
const unknownMessage = 'Kafka did not acknowledge in time; the order may still be placed. Retry with the same Idempotency-Key to learn the outcome.';

export function orderRoute(app: FastifyInstance, ctx: ApiContext): void {
  const { gate, take, batcher, takeover, catalog, log, config } = ctx;
  const replayDeadlineMs = config.timeouts.kafkaMs + config.timeouts.redisMs;

  const giveBack = (productId: string, orderId: string, key: string | undefined): void => {
    gate.release(productId, orderId, key).catch((err: Error) =>
      log.error({ productId, orderId, err: err.message }, 'could not give a unit back; it stays taken until the sale is reseeded'),
    );
  };
  const commit = (productId: string, orderId: string, key: string | undefined): void => {
    gate.commit(productId, orderId, key).catch((err: Error) => log.warn({ productId, orderId, err: err.message }, 'could not record an accepted order in Redis'));
  };
  const settleLater = (fate: PendingSend, productId: string, orderId: string, key: string | undefined): void => {
    fate.settled.then((acked) => {
      if (acked) commit(productId, orderId, key);
      else if (config.broken.ackBeforeKafka) {
        // The naive system believes the order done: it settles the in-flight record (so no takeover
        // resurrects the order) and the order is lost.
        commit(productId, orderId, key);
        log.error({ productId, orderId }, 'BROKEN MODE: order acknowledged to the client but dropped by Kafka');
      }
      else giveBack(productId, orderId, key);
    });
  };

  const handOff = async (reply: FastifyReply, body: OrderRequest, orderId: string, key: string | undefined): Promise<OrderResponse | FastifyReply> => {
    const { userId, productId } = body;
    let fate: PendingSend;
    try {
      const event = { orderId, userId, productId, quantity: 1 as const, acceptedAt: new Date().toISOString(), ...(key === undefined ? {} : { idempotencyKey: key }) };
      fate = batcher.add({ key: productId, value: encodeOrderEvent(event) });
    } catch (err) {
      giveBack(productId, orderId, key);
      throw err;
    }
    if (config.broken.ackBeforeKafka) {
      settleLater(fate, productId, orderId, key);
      return { status: 'accepted', orderId };
    }
    try {
      await fate.answer;
    } catch (err) {
      settleLater(fate, productId, orderId, key);
      if (err instanceof KafkaAckTimeout) {
        log.warn({ productId, orderId }, 'Kafka did not ack in time; answering 503 with the order id (outcome open)');
        return sendError(reply, 'unavailable', { orderId, message: unknownMessage });
      }
      log.warn({ productId, orderId, err: (err as Error).message }, 'the Kafka send failed; answering 503');
      return sendError(reply, 'unavailable');
    }
    commit(productId, orderId, key);
    return { status: 'accepted', orderId };
  };

  /**
   * A request with an Idempotency-Key already seen: wait out a first request still in flight, then
   * replay its answer. If the first request's lease runs out meanwhile (its instance died or is
   * stuck), take its order over and answer with the same order id once Kafka acked.
   */
  const replay = async (reply: FastifyReply, productId: string, key: string, first: string | null): Promise<OrderResponse | FastifyReply> => {
    const deadline = performance.now() + replayDeadlineMs;
    let claimAt = 0;
    while (first?.startsWith(pendingPrefix) && performance.now() < deadline) {
      if (performance.now() >= claimAt) {
        const claimed = await gate.claim(productId, first.slice(pendingPrefix.length));
        if (claimed === null) claimAt = Infinity;
        else if (typeof claimed === 'number') claimAt = performance.now() + claimed;
        else if (await takeover.produce(claimed)) return { status: 'accepted', orderId: claimed.orderId };
        else return sendError(reply, 'unavailable', { orderId: claimed.orderId, message: unknownMessage });
      }
      await sleep(replayPollMs);
      first = await gate.firstAnswer(productId, key);
    }
    if (first?.startsWith(acceptedPrefix)) return { status: 'accepted', orderId: first.slice(acceptedPrefix.length) };
    if (first === 'sold_out' || first === 'already_ordered') return sendError(reply, first);
    if (first?.startsWith(pendingPrefix)) return sendError(reply, 'unavailable', { orderId: first.slice(pendingPrefix.length), message: unknownMessage });
    return sendError(reply, 'unavailable');
  };

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
