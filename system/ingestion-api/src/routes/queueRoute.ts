import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { notArmed } from '../http/notArmed.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import { admissionRank } from '../waitingRoom/admissionOrder.ts';
import { queueStatus } from '../waitingRoom/queueStatus.ts';
import { ticketSchema } from './schemas.ts';

const nullableInt = { type: ['integer', 'null'] } as const;
const schema = {
  params: { type: 'object', required: ['ticket'], properties: { ticket: ticketSchema } },
  response: {
    200: {
      type: 'object',
      required: ['state', 'productId', 'ticket', 'number', 'position', 'ahead', 'serving', 'issued', 'ratePerSec', 'paused', 'etaMs', 'etaSeconds', 'pollMs', 'remaining'],
      properties: {
        state: { type: 'string', enum: ['waiting', 'admitted', 'sold_out'] },
        productId: { type: 'string' },
        ticket: { type: 'string' },
        number: { type: 'integer' },
        position: { type: 'integer' },
        ahead: { type: 'integer' },
        serving: { type: 'integer' },
        issued: { type: 'integer' },
        ratePerSec: { type: 'number' },
        paused: { type: 'boolean' },
        etaMs: nullableInt,
        etaSeconds: nullableInt,
        pollMs: { type: 'integer' },
        remaining: { type: 'integer' },
        admissionToken: { type: 'string' },
        admissionExpiresAt: { type: 'string' },
      },
    },
    '4xx': errorBodySchema,
    '5xx': errorBodySchema,
  },
} as const;

/** GET /queue/:ticket: the ticket's state, place, ETA and, once admitted, its admission token. */
export function queueRoute(app: FastifyInstance, { queue, signer, catalog, config }: ApiContext): void {
  const scrambled = config.broken.randomAdmission;
  const sign = signer.token.bind(signer);
  app.get<{ Params: { ticket: string } }>('/queue/:ticket', { schema }, async (request, reply) => {
    const { ticket } = request.params;
    const claims = signer.readTicket(ticket);
    if (!claims) return sendError(reply, 'unknown_ticket', { message: 'not a ticket of this shop; POST /order to get one' });
    const rank = admissionRank(claims.number, scrambled);
    const reading = await queue.ticket(claims.productId, claims.epoch, claims.number, rank);
    if (reading.kind === 'stale') return sendError(reply, 'ticket_stale', { message: 'the sale was re-armed since this ticket was handed out; POST /order for a new one' });
    if (reading.kind === 'unarmed') {
      return (await catalog.exists(claims.productId)) ? sendError(reply, 'unavailable', notArmed) : sendError(reply, 'unknown_product');
    }
    const status = queueStatus(ticket, claims, rank, reading, sign, config.waitingRoom.tokenTtlMs);
    reply.header('cache-control', 'no-store');
    if (status.state === 'waiting') reply.header('retry-after', String(Math.ceil(status.pollMs / 1000)));
    return status;
  });
}
