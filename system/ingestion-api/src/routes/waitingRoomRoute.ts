import type { FastifyInstance } from 'fastify';
import { errorBodySchema } from '../http/sendError.ts';
import { type WaitingRoomParams, waitingRoomCsp, waitingRoomPage } from '../waitingRoom/waitingRoomPage.ts';
import { idempotencyKeySchema, idSchema, ticketSchema } from './schemas.ts';

const schema = {
  querystring: {
    type: 'object',
    required: ['productId'],
    properties: {
      productId: idSchema,
      userId: idSchema,
      idempotencyKey: idempotencyKeySchema,
      ticket: ticketSchema,
    },
  },
  response: { 200: { description: 'The waiting-room page', content: { 'text/html': { schema: { type: 'string' } } } }, '4xx': errorBodySchema },
} as const;

/** GET /waiting-room: the page the rate limiter redirects to. */
export function waitingRoomRoute(app: FastifyInstance): void {
  app.get<{ Querystring: WaitingRoomParams }>('/waiting-room', { schema }, async (request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', waitingRoomCsp)
      .header('cache-control', 'no-store')
      .send(waitingRoomPage(request.query)),
  );
}
