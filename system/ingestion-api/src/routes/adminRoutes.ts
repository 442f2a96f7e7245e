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
 * POST /admin/sales/:productId/reseed rebuilds Redis from PostgreSQL after Redis lost its data.
 */
export async function adminRoutes(app: FastifyInstance, { config, store, catalog, gate, log }: ApiContext): Promise<void> {
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
      const record = await store.saleRecord(productId);
      if (!record) return sendError(reply, 'unknown_product');
      await gate.reset(productId, record.stock, record.buyers, false);
      log.warn({ productId, stock: record.stock, buyers: record.buyers.size }, 'sale reseeded from PostgreSQL');
      return { productId, remaining: record.stock } satisfies ProductStock;
    });
  });
}
