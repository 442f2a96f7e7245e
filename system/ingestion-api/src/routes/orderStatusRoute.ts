import type { OrderStatus } from '@flux-gate/contracts';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';

const schema = {
  params: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string', format: 'uuid' } } },
  response: {
    200: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['pending', 'confirmed', 'rejected'] }, reason: { type: 'string' } },
    },
    '4xx': errorBodySchema,
    '5xx': errorBodySchema,
  },
} as const;

/**
 * GET /order/:orderId: confirmed or rejected once the worker wrote it to PostgreSQL; pending while
 * only this API's record of the Kafka ack exists.
 */
export function orderStatusRoute(app: FastifyInstance, { store, gate }: ApiContext): void {
  app.get<{ Params: { orderId: string } }>('/order/:orderId', { schema }, async (request, reply) => {
    const { orderId } = request.params;
    const written = await store.orderStatus(orderId);
    if (written) return written;
    if ((await gate.acceptedProduct(orderId)) !== null) return { status: 'pending' } satisfies OrderStatus;
    return sendError(reply, 'not_found', { message: 'no such order' });
  });
}
