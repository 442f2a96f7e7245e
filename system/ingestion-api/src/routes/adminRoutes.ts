import type { ArmSaleRequest, ProductStock, QueueAdminState, QueueRateRequest } from '@flux-gate/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from '../ApiContext.ts';
import { bearerAuth } from '../http/bearerAuth.ts';
import { notArmed } from '../http/notArmed.ts';
import { adminSecurity } from '../http/openApi.ts';
import { errorBodySchema, sendError } from '../http/sendError.ts';
import type { QueueAction } from '../redis/WaitingQueue.ts';
import { idSchema, productStockSchema } from './schemas.ts';

const rateSchema = { type: 'number', exclusiveMinimum: 0, maximum: 10_000_000 } as const;

const response = { 200: productStockSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

const armSchema = {
  security: adminSecurity,
  body: {
    type: 'object',
    required: ['productId', 'stock'],
    additionalProperties: false,
    properties: {
      productId: idSchema,
      stock: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
      admissionRatePerSec: rateSchema,
    },
  },
  response,
} as const;

const params = { type: 'object', required: ['productId'], properties: { productId: idSchema } } as const;
const reseedSchema = { security: adminSecurity, params, response } as const;

const queueResponse = {
  200: {
    type: 'object',
    required: ['productId', 'issued', 'serving', 'waiting', 'ratePerSec', 'paused', 'remaining'],
    properties: {
      productId: { type: 'string' },
      issued: { type: 'integer' },
      serving: { type: 'integer' },
      waiting: { type: 'integer' },
      ratePerSec: { type: 'number' },
      paused: { type: 'boolean' },
      remaining: { type: 'integer' },
    },
  },
  '4xx': errorBodySchema,
  '5xx': errorBodySchema,
} as const;
const queueSchema = { security: adminSecurity, params, response: queueResponse } as const;
const rateRequestSchema = { security: adminSecurity, params, body: { type: 'object', required: ['ratePerSec'], additionalProperties: false, properties: { ratePerSec: rateSchema } }, response: queueResponse } as const;

/**
 * Admin routes, behind `Authorization: Bearer <ADMIN_TOKEN>`.
 * POST /admin/sales arms a fresh sale in PostgreSQL, then in Redis, with an empty queue.
 * POST /admin/sales/:productId/reseed rebuilds Redis from PostgreSQL after Redis lost its data; it
 * refuses (409 orders_in_flight) while orders are still on their way to PostgreSQL.
 * GET /admin/sales/:productId/queue and POST …/queue/pause, …/resume, …/rate read and steer admission.
 */
export async function adminRoutes(app: FastifyInstance, { config, store, catalog, gate, queue, inFlight, log }: ApiContext): Promise<void> {
  const defaultRate = config.waitingRoom.ratePerSec;

  await app.register(async (admin) => {
    admin.addHook('onRequest', bearerAuth(config.adminToken));

    admin.post<{ Body: ArmSaleRequest }>('/admin/sales', { schema: armSchema }, async (request) => {
      const { productId, stock, admissionRatePerSec = defaultRate } = request.body;
      await store.armSale(productId, stock);
      catalog.remember(productId);
      await gate.reset(productId, stock, new Map(), true, admissionRatePerSec);
      log.info({ productId, stock, admissionRatePerSec }, 'sale armed');
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
      await gate.reset(productId, record.stock, record.buyers, false, defaultRate);
      log.warn({ productId, stock: record.stock, buyers: record.buyers.size }, 'sale reseeded from PostgreSQL');
      return { productId, remaining: record.stock } satisfies ProductStock;
    });

    const steer = async (productId: string, action: QueueAction, reply: FastifyReply, ratePerSec?: number) => {
      const counters = await queue.control(productId, action, ratePerSec);
      if (!counters) return (await catalog.exists(productId)) ? sendError(reply, 'unavailable', notArmed) : sendError(reply, 'unknown_product');
      if (action !== 'get') log.warn({ productId, action, ratePerSec: counters.ratePerSec, paused: counters.paused }, 'waiting room steered');
      const serving = Math.floor(counters.serving);
      const { issued, remaining } = counters;
      return { productId, issued, serving, waiting: Math.max(0, issued - serving), ratePerSec: counters.ratePerSec, paused: counters.paused, remaining } satisfies QueueAdminState;
    };
    type ProductParams = { Params: { productId: string } };
    admin.get<ProductParams>('/admin/sales/:productId/queue', { schema: queueSchema }, (request, reply) => steer(request.params.productId, 'get', reply));
    admin.post<ProductParams>('/admin/sales/:productId/queue/pause', { schema: queueSchema }, (request, reply) => steer(request.params.productId, 'pause', reply));
    admin.post<ProductParams>('/admin/sales/:productId/queue/resume', { schema: queueSchema }, (request, reply) => steer(request.params.productId, 'resume', reply));
    admin.post<ProductParams & { Body: QueueRateRequest }>('/admin/sales/:productId/queue/rate', { schema: rateRequestSchema }, (request, reply) =>
      steer(request.params.productId, 'rate', reply, request.body.ratePerSec),
    );
  });
}
