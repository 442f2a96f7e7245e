import type { ProductStock } from '@flux-gate/contracts';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { notArmed } from '../http/notArmed.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import { idSchema, productStockSchema } from './schemas.ts';

const schema = {
  params: { type: 'object', required: ['productId'], properties: { productId: idSchema } },
  response: { 200: productStockSchema, '4xx': errorBodySchema, '5xx': errorBodySchema },
} as const;

/** GET /products/:productId: units left, as Redis (the gate) counts them. */
export function productRoute(app: FastifyInstance, { gate, catalog }: ApiContext): void {
  app.get<{ Params: { productId: string } }>('/products/:productId', { schema }, async (request, reply) => {
    const { productId } = request.params;
    const remaining = await gate.remaining(productId);
    if (remaining !== null) return { productId, remaining } satisfies ProductStock;
    return (await catalog.exists(productId)) ? sendError(reply, 'unavailable', notArmed) : sendError(reply, 'unknown_product');
  });
}
