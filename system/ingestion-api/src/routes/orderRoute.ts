import { admissionTokenHeader, idempotencyHeader, type OrderRequest, type QueuedResponse, queueTicketHeader } from '@flux-gate/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { notArmed } from '../http/notArmed.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import { newOrderId } from '../orderIds.ts';
import type { Admission } from '../redis/SaleGate.ts';
import type { QueueSigner } from '../waitingRoom/QueueSigner.ts';
import { orderOutcomes } from './orderOutcomes.ts';
import { admissionTokenSchema, idempotencyKeySchema, idSchema } from './schemas.ts';

const schema = {
  body: {
    type: 'object',
    required: ['userId', 'productId'],
    additionalProperties: false,
    properties: { userId: idSchema, productId: idSchema },
  },
  headers: {
    type: 'object',
    properties: {
      [idempotencyHeader]: idempotencyKeySchema,
      [admissionTokenHeader]: admissionTokenSchema,
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['status', 'orderId'],
      properties: { status: { type: 'string', enum: ['accepted'] }, orderId: { type: 'string' } },
    },
    302: {
      type: 'object',
      required: ['status', 'productId', 'ticket', 'number', 'waitingRoomUrl'],
      properties: {
        status: { type: 'string', enum: ['queued'] },
        productId: { type: 'string' },
        ticket: { type: 'string' },
        number: { type: 'integer' },
        waitingRoomUrl: { type: 'string' },
      },
    },
    '4xx': errorBodySchema,
    '5xx': errorBodySchema,
  },
} as const;

interface OrderRoute {
  Body: OrderRequest;
  Headers: { [idempotencyHeader]?: string; [admissionTokenHeader]?: string };
}

const tokenField = { field: admissionTokenHeader } as const;
const fencedDetail = { message: 'the Redis primary changed; the sale is being rebuilt from PostgreSQL. Retry shortly.' } as const;
const unreplicatedDetail = { message: 'no Redis replica confirmed the take in time; nothing was ordered. Retry shortly.' } as const;
const queuedPrefix = 'queued:';

/**
 * POST /order: one atomic Redis step decides; on a replicated Redis, a replica must hold the take
 * (WAIT) and a sale armed on a former primary is fenced (503, Retry-After) until it is rebuilt from
 * PostgreSQL. Then the order goes to Kafka; 200 only after the
 * broker acked (acks=all). When the send fails before any request reached a broker: 503, and the
 * unit goes back. When the ack is late, or the send failed after a request was written: 503 with the
 * order id, since the order may still be placed, and a retry with the same Idempotency-Key learns
 * whether it was (see orderOutcomes). A shed buyer gets 302 with a
 * ticket; an Admission-Token is checked here (signature, product, expiry) and spent in the Redis
 * step (epoch, single use).
 */
export function orderRoute(app: FastifyInstance, ctx: ApiContext): void {
  const { take, catalog, log, signer, replicaWait, rebuilder } = ctx;
  const { handOff, replay, giveBack } = orderOutcomes(ctx);

  app.post<OrderRoute>('/order', { schema }, async (request, reply) => {
    const body = request.body;
    const { productId, userId } = body;
    const key = request.headers[idempotencyHeader];
    const token = request.headers[admissionTokenHeader];
    let admission: Admission | undefined;
    if (token !== undefined) {
      const reading = signer.readToken(token, productId, Date.now());
      if ('error' in reading) return sendError(reply, reading.error, tokenField);
      admission = { ticket: reading.ok.tkt, epoch: reading.ok.ep };
    }
    const orderId = newOrderId();
    let answer: string;
    const vouch = replicaWait?.before(productId);
    try {
      answer = await take(productId, userId, orderId, key, admission);
    } catch (err) {
      log.warn({ productId, err: (err as Error).message }, 'Redis did not answer the take; answering 503');
      giveBack(productId, orderId, key);
      return sendError(reply, 'unavailable');
    }
    switch (answer) {
      case 'ok':
        catalog.remember(productId);
        // A take only a failed primary held could be rolled back by the failover: answer nothing on it.
        if (vouch && !(await vouch.held())) {
          log.warn({ productId }, 'no Redis replica confirmed the take in time; answering 503');
          giveBack(productId, orderId, key);
          return sendError(reply.header('retry-after', '1'), 'unavailable', unreplicatedDetail);
        }
        return handOff(reply, body, orderId, key);
      case 'fenced':
        rebuilder.fenced(productId);
        return sendError(reply.header('retry-after', '1'), 'unavailable', fencedDetail);
      case 'sold_out':
      case 'already_ordered':
        return sendError(reply, answer);
      case 'token_expired':
      case 'token_replayed':
        return sendError(reply, answer, tokenField);
      case 'unarmed':
        return (await catalog.exists(productId)) ? sendError(reply, 'unavailable', notArmed) : sendError(reply, 'unknown_product');
      default:
        if (answer.startsWith(queuedPrefix)) return queued(reply, signer, body, key, answer);
        return replay(reply, productId, key ?? '', answer);
    }
  });
}

/** The 302 to the waiting room, with the ticket of the take's answer `queued:<number>:<epoch>`. */
function queued(reply: FastifyReply, signer: QueueSigner, { productId, userId }: OrderRequest, key: string | undefined, answer: string): FastifyReply {
  const [number, epoch] = answer.slice(queuedPrefix.length).split(':') as [string, string];
  const ticket = signer.ticket({ productId, epoch, number: Number(number) });
  const query = new URLSearchParams({ productId, userId, ticket });
  if (key !== undefined) query.set('idempotencyKey', key);
  const waitingRoomUrl = `/waiting-room?${query}`;
  const body: QueuedResponse = { status: 'queued', productId, ticket, number: Number(number), waitingRoomUrl };
  return reply.code(302).header('location', waitingRoomUrl).header(queueTicketHeader, ticket).send(body);
}
