import type { ArmSaleRequest, ProductStock } from '@flux-gate/contracts';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { bearerAuth } from '../http/bearerAuth.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import { idSchema, productStockSchema } from './schemas.ts';

const response = { 200: productStockSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

const armSchema = {
  body: {
    type: 'object',
    required: ['productId', 'stock'],
    properties: { productId: idSchema, stock: { type: 'integer', minimum: 0, maximum: 1_000_000_000 } },
  },
  response,
} as const;

const reseedSchema = {
  params: { type: 'object', required: ['productId'], properties: { productId: idSchema } },
  response,
} as const;

/**
 * Admin routes, behind `Authorization: Bearer <ADMIN_TOKEN>`.
 * POST /admin/sales arms a fresh sale in PostgreSQL, then in Redis.
 * POST /admin/sales/:productId/reseed rebuilds Redis from PostgreSQL after Redis lost its data; it
 * refuses (409 orders_in_flight) while orders are still on their way to PostgreSQL.
 */
export async function adminRoutes(app: FastifyInstance, { config, store, catalog, gate, producer, batcher, log }: ApiContext): Promise<void> {
  /** Orders accepted but not yet in PostgreSQL: in the worker's lag, or still being sent by this instance. */
  const inFlight = async () => (await producer.groupLag(config.workerGroupId)) + batcher.unsettled;

  await app.register(async (admin) => {
    admin.addHook('onRequest', bearerAuth(config.adminToken));

    admin.post<{ Body: ArmSaleRequest }>('/admin/sales', { schema: armSchema }, async (request) => {
      const { productId, stock } = request.body;
      await store.armSale(productId, stock);
      catalog.remember(productId);
      await gate.reset(productId, stock, new Map(), true);
      log.info({ productId, stock }, 'sale armed');
      return { productId, remaining: stock } satisfies ProductStock;
    });

    admin.post<{ Params: { productId: string } }>('/admin/sales/:productId/reseed', { schema: reseedSchema }, async (request, reply) => {
      const { productId } = request.params;
      if (!(await store.productExists(productId))) return sendError(reply, 'unknown_product');
      // PostgreSQL's stock does not yet count the orders still on their way to it: reseeding from it
      // now would put their units on sale again. The broken mode reseeds anyway.
      const pending = await inFlight();
      if (pending > 0 && !config.broken.reseedIgnoresInFlight) {
        return sendError(reply, 'orders_in_flight', { message: `${pending} order(s) are still on their way to PostgreSQL; reseed once the inventory worker has stored them` });
      }
      const record = await store.saleRecord(productId);
      if (!record) return sendError(reply, 'unknown_product');
      await gate.reset(productId, record.stock, record.buyers, false);
      log.warn({ productId, stock: record.stock, buyers: record.buyers.size }, 'sale reseeded from PostgreSQL');
      return { productId, remaining: record.stock } satisfies ProductStock;
    });
  });
}
